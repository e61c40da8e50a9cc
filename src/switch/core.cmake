# The session core: sessions, state machine, endpoints, originate, applications, API commands.
add_library(es_switch
  session/asio_timers.cpp
  session/caller_profile.cpp
  session/channel_state.cpp
  session/channel_variables.cpp
  session/hangup_cause.cpp
  session/session.cpp
  session/session_events.cpp
  session/session_runner.cpp
  session/waiter.cpp
  application_registry.cpp
  channel_table.cpp
  endpoint.cpp
  routing.cpp
  switch_core.cpp
  switch_setup.cpp
  endpoints/error_endpoint.cpp
  endpoints/loopback_endpoint.cpp
  endpoints/null_endpoint.cpp
  originate.cpp
  apps/basic_apps.cpp
  apps/register_apps.cpp
  commands/register_commands.cpp
  commands/originate_command.cpp
  commands/uuid_commands.cpp)
target_include_directories(es_switch PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(es_switch PUBLIC es_core es_core_commands es_asio es_switch_dialstring
  es_switch_dialplan es_switch_media PRIVATE es_warnings)

if(ES_BUILD_TESTS AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/tests/switch_fixture.cpp)
  es_add_test(switch_tests
    SOURCES tests/switch_fixture.cpp tests/session_basics_test.cpp tests/originate_events_test.cpp
    LIBS es_switch)
endif()
