# Linux on AArch64, cross-compiled with Debian's gcc-aarch64-linux-gnu (crossbuild-essential-arm64).
# The C tests run under qemu-aarch64 (Debian's qemu-user) with the cross sysroot's libraries.
#
#   cmake -S . -B build/linux-aarch_64 --toolchain cmake/toolchain-linux-aarch_64.cmake ...
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)

set(KCP_CROSS_SYSROOT /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH "${KCP_CROSS_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# ctest prefixes every test command with this.
find_program(KCP_QEMU_AARCH64 qemu-aarch64)
if(KCP_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${KCP_QEMU_AARCH64};-L;${KCP_CROSS_SYSROOT}")
endif()
