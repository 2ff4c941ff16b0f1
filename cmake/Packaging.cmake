# A Debian package of what `cmake --install` installs, for /usr:
#   cpack -G DEB --config build/CPackConfig.cmake -B OUT   (or: cd build && cpack -G DEB)
# gives OUT/rendersock_<version>_<arch>.deb, installable with
# `apt-get install ./rendersock_*.deb`. Libraries go where the build was
# configured to put them: lib/<multiarch> with -DCMAKE_INSTALL_PREFIX=/usr
# (GNUInstallDirs' choice for /usr on Debian), else lib, i.e. /usr/lib; both
# are in the dynamic linker's default path, where glvnd finds the GLX vendor
# by name (libGLX_rendersock.so.0).

set(CPACK_PACKAGE_NAME rendersock)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR rendersock)
set(CPACK_PACKAGE_CONTACT "rendersock maintainers <rendersock@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "render server and client drivers for Vulkan and OpenGL over a socket")
set(CPACK_PACKAGE_DESCRIPTION
    "rendersock forwards Vulkan (Venus) and OpenGL from client programs to a
render server over a Unix or TCP socket, in the manner of virglrenderer's
vtest. This package holds the server (virgl_test_server), the Vulkan ICD
with its manifest, the glvnd EGL and GLX vendor libraries with the EGL
vendor JSON, and the tools rendersock-info, rendersock-drm-info,
rendersock-run and rendersock-caselist.")

# The install rules write the ICD manifest and the EGL vendor JSON at install
# time from CMAKE_INSTALL_PREFIX. With DESTDIR staging, CPack installs with
# CMAKE_INSTALL_PREFIX=/usr into its staging folder, so they name
# /usr/lib/...; without it the prefix would be the staging folder itself.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

# Stripped, as Debian ships binaries (RelWithDebInfo's are four times larger).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # rendersock_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps (dpkg-dev) computes the packages of the linked libraries
# (libvulkan1 among them: the server links the loader); added to them is
# what is not linked: glvnd's EGL and GLX dispatch, which load the vendors,
# and python3 for rendersock-caselist and rendersock-run --tcp.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libglvnd0, libegl1, libglx0, python3")
# The host drivers the server renders with are the host's choice.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "mesa-vulkan-drivers, libegl-mesa0, libgl1-mesa-dri")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "vulkan-tools, mesa-utils")
# Debian's virgl-server ships /usr/bin/virgl_test_server too: installing
# rendersock replaces it (compare the two from a build tree).
set(CPACK_DEBIAN_PACKAGE_CONFLICTS virgl-server)
set(CPACK_DEBIAN_PACKAGE_REPLACES virgl-server)

include(CPack)
