# install.cmake: what `cmake --install` puts under the prefix, and the Debian package
# CPack makes of it (scripts/package.sh runs both).
#
#   bin/stoat-mock                                  the server (schema and fixtures embedded)
#   share/man/man1/stoat-mock.1                     written by hand: docs/stoat-mock.1
#   share/doc/stoat-mock/README.md, docs/           the documentation (docs/*.md, *.png)
#   share/doc/stoat-mock/LICENSE
#   share/stoat-mock/fixtures/default.json          the bundled fixtures, to start one's own from
#
# Only bin/ goes on PATH. Nothing else is installed: no test, fuzzer or library.
include(GNUInstallDirs)

install(TARGETS stoat-mock RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/docs/stoat-mock.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# README.md with docs/ beside it, as in the repository, so its links still work
file(GLOB STOAT_DOCS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md ${CMAKE_SOURCE_DIR}/docs/*.png)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${STOAT_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(FILES ${CMAKE_SOURCE_DIR}/fixtures/default.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/stoat-mock/fixtures)
# The license (MIT), installed with the docs and named in the package.
if(EXISTS ${CMAKE_SOURCE_DIR}/LICENSE)
  install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
  set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
endif()

# --- the Debian package (cpack -G DEB; scripts/package.sh) ---------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stoat-mock)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "stoat-mock maintainers" CACHE STRING
    "Maintainer field of the Debian package")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "emulator of the Stoat (Revolt) bots API for client integration tests")
set(CPACK_PACKAGE_DESCRIPTION
    "stoat-mock answers the bots API of the Stoat (formerly Revolt) chat platform as the
real server does where a client can tell: routes, JSON shapes, validation, error types
and statuses. It adds a control API under /_mock (reset, state, accounts, faults, the
request journal) for test suites.")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # stoat-mock_VERSION_ARCH.deb
# Depends: from the libraries the binary links, as dpkg-shlibdeps reads them (libc6 and
# scripts/deps.sh's runtime set; tests/install/run.sh checks that they agree).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
