/*
 * jni_md.h for building the Windows x64 library with a JDK of another OS, whose own jni_md.h
 * describes that OS. jni.h itself is the same everywhere; this file holds what Windows JDKs
 * declare differently from Unix ones:
 *  - exported functions carry dllexport (there is no default visibility in a DLL);
 *  - JNICALL is __stdcall, which x64 compilers accept and ignore (one calling convention);
 *  - jint is `long`, 32 bits on Windows (LLP64), and jlong a 64-bit long long.
 * The JVM checks none of this at load time, so the packaging check verifies the exports.
 */
#ifndef KCP_WINDOWS_JNI_MD_H
#define KCP_WINDOWS_JNI_MD_H

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall

typedef long jint;
typedef long long jlong;
typedef signed char jbyte;

#endif
