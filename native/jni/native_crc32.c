/*
 * JNI glue for io.kcp.kernel.NativeCrc32: argument unpacking only. Java has checked offset and
 * length against the buffer or array before every call; C never calls back into Java.
 */
#include <jni.h>

#include "io_kcp_kernel_NativeCrc32.h"
#include "kcp/crc32.h"

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeCrc32_direct0(JNIEnv *env, jclass cls, jobject buf,
                                                              jint off, jint len) {
    (void)cls;
    const uint8_t *base = (*env)->GetDirectBufferAddress(env, buf);
    if (!base) return 0; /* not a direct buffer: Java never passes one */
    return (jint)kcp_crc32(base + off, (size_t)len);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeCrc32_array0(JNIEnv *env, jclass cls, jbyteArray buf,
                                                             jint off, jint len) {
    (void)cls;
    /* Critical: no copy, and the GC waits only for one checksum of at most a datagram or so. */
    const uint8_t *base = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (!base) return 0; /* OutOfMemoryError pending */
    uint32_t crc = kcp_crc32(base + off, (size_t)len);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, (void *)base, JNI_ABORT);
    return (jint)crc;
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeCrc32_availablePaths0(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    return (jint)kcp_crc32_available_paths();
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeCrc32_setPath0(JNIEnv *env, jclass cls, jint path) {
    (void)env; (void)cls;
    return kcp_crc32_set_path(path);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeCrc32_path0(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    return kcp_crc32_path();
}

JNIEXPORT jstring JNICALL Java_io_kcp_kernel_NativeCrc32_pathName0(JNIEnv *env, jclass cls, jint path) {
    (void)cls;
    return (*env)->NewStringUTF(env, kcp_crc32_path_name(path));
}
