# Run by `cmake --install` and cpack (install(SCRIPT) in packaging/CMakeLists.txt) with the
# prefix of this installation: /usr puts the configuration in /etc (GNUInstallDirs' rule for
# /usr), any other prefix in <prefix>/etc. The unit names the installed paths.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(es_sysconfdir /etc)
  set(es_unitdir /lib/systemd/system)
else()
  set(es_sysconfdir ${CMAKE_INSTALL_PREFIX}/etc)
  set(es_unitdir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
set(es_confdir ${es_sysconfdir}/eventswitch)
set(es_bindir ${CMAKE_INSTALL_PREFIX}/${ES_INSTALL_BINDIR})

file(INSTALL ${ES_PACKAGING_DIR}/conf/ DESTINATION ${es_confdir} FILE_PERMISSIONS OWNER_READ
     OWNER_WRITE GROUP_READ WORLD_READ DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE
     OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
file(INSTALL ${ES_PACKAGING_DIR}/eventswitch.default DESTINATION ${es_sysconfdir}/default
     RENAME eventswitch PERMISSIONS OWNER_READ OWNER_WRITE)

# The unit as written in packaging/ is the package's (/usr/bin, /etc/eventswitch); another
# prefix gets its own paths.
file(READ ${ES_PACKAGING_DIR}/eventswitch.service es_unit)
string(REPLACE "/usr/bin/eventswitch" "${es_bindir}/eventswitch" es_unit "${es_unit}")
string(REPLACE "/etc/eventswitch" "${es_confdir}" es_unit "${es_unit}")
string(REPLACE "/etc/default/eventswitch" "${es_sysconfdir}/default/eventswitch" es_unit
               "${es_unit}")
set(es_unit_file ${ES_PACKAGING_BINARY_DIR}/unit/eventswitch.service)
file(WRITE ${es_unit_file} "${es_unit}")
file(INSTALL ${es_unit_file} DESTINATION ${es_unitdir} PERMISSIONS OWNER_READ OWNER_WRITE
     GROUP_READ WORLD_READ)
