# macOS on Apple silicon (osx-aarch_64), cross-compiled: see macos-zig.cmake.
set(KCP_MACOS_ARCH arm64)
include("${CMAKE_CURRENT_LIST_DIR}/macos-zig.cmake")
