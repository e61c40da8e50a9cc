# The session core: sessions, state machine, endpoints, originate, applications, API commands.
# Sources are globbed per folder (one file per concern; new files need no list edit).
file(GLOB ES_SWITCH_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/session/*.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/apps/*.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/commands/*.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/endpoints/*.cpp)
add_library(es_switch ${ES_SWITCH_SOURCES})
target_include_directories(es_switch PUBLIC ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(es_switch PUBLIC es_core es_asio es_switch_dialstring
  es_switch_dialplan es_switch_media PRIVATE es_warnings)

if(ES_BUILD_TESTS)
  file(GLOB ES_SWITCH_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/*.cpp)
  # The fixture registers the core commands beside the switch's, as the daemon does.
  es_add_test(switch_tests SOURCES ${ES_SWITCH_TEST_SOURCES} LIBS es_switch es_core_commands)
endif()
