# Installing and packaging: `cmake --install build [--prefix P]` puts fcc,
# fcap (and fxdp), their man pages, libfcap with include/fcap/, a CMake
# package (find_package(fcap) -> fcap::fcap) and a pkg-config file (fcap.pc)
# under the prefix; `cpack -G DEB` (in build/) makes a Debian package of the
# same files.
include(CMakePackageConfigHelpers)

install(EXPORT fcapTargets NAMESPACE fcap:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fcap)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/fcapConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/fcapConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fcap)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/fcapConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/fcapConfig.cmake ${PROJECT_BINARY_DIR}/fcapConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/fcap)

# The prefix as seen from the .pc file, so that any --prefix (or the .deb) works.
file(RELATIVE_PATH pc_to_prefix /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
configure_file(${PROJECT_SOURCE_DIR}/cmake/fcap.pc.in ${PROJECT_BINARY_DIR}/fcap.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/fcap.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(CPACK_PACKAGE_NAME fcap)
set(CPACK_PACKAGE_VENDOR "fcap")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "tcpdump filter expressions compiled to classic BPF, eBPF socket filters and XDP")
set(CPACK_PACKAGE_CONTACT "fcap developers <fcap@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)       # libpcap, libbpf, libelf... from the binaries' own links
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
include(CPack)
