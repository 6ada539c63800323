# macOS on Intel (osx-x86_64), cross-compiled: see macos-zig.cmake.
set(KCP_MACOS_ARCH x86_64)
include("${CMAKE_CURRENT_LIST_DIR}/macos-zig.cmake")
