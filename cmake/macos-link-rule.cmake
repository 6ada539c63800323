# The shared-library link rule of macOS cross builds (see macos-zig.cmake): ld64.lld against
# zig's libSystem stub, so hidden symbols stay hidden and only JNI entry points are exported.
# arm64 output is signed ad hoc, as Apple silicon requires of every library it maps.
set(CMAKE_C_CREATE_SHARED_LIBRARY
    "${KCP_LD64} -arch ${KCP_MACOS_ARCH} -platform_version macos ${KCP_MACOS_MIN} ${KCP_MACOS_MIN} -dylib -dead_strip -install_name @rpath/<TARGET_SONAME> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES> ${KCP_MACOS_LIBSYSTEM}")
