/*
 * JNI glue for io.kcp.kernel.NativeReedSolomon: argument unpacking only. Java has checked the
 * shape, positions and spans against the buffers before every call; C never calls back into Java.
 */
#include <jni.h>

#include "io_kcp_kernel_NativeReedSolomon.h"
#include "kcp/rs.h"

static kcp_rs *codec(jlong ptr) { return (kcp_rs *)(intptr_t)ptr; }

static uint8_t *address(JNIEnv *env, jobject buf, jint pos) {
    uint8_t *base = (*env)->GetDirectBufferAddress(env, buf);
    return base ? base + pos : NULL;
}

JNIEXPORT jlong JNICALL Java_io_kcp_kernel_NativeReedSolomon_create0(JNIEnv *env, jclass cls, jint ds,
                                                                     jint ps) {
    (void)env; (void)cls;
    return (jlong)(intptr_t)kcp_rs_new(ds, ps);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeReedSolomon_destroy0(JNIEnv *env, jclass cls, jlong ptr) {
    (void)env; (void)cls;
    kcp_rs_free(codec(ptr));
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeReedSolomon_encode0(JNIEnv *env, jclass cls, jlong ptr,
                                                                    jobject buf, jint pos, jint stride,
                                                                    jint len) {
    (void)cls;
    uint8_t *p = address(env, buf, pos);
    if (!p) return KCP_RS_EINVAL;
    return kcp_rs_encode_buf(codec(ptr), p, (size_t)stride, (size_t)len);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeReedSolomon_verify0(JNIEnv *env, jclass cls, jlong ptr,
                                                                    jobject buf, jint pos, jint stride,
                                                                    jint len) {
    (void)cls;
    uint8_t *p = address(env, buf, pos);
    if (!p) return KCP_RS_EINVAL;
    return kcp_rs_verify_buf(codec(ptr), p, (size_t)stride, (size_t)len);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeReedSolomon_reconstruct0(JNIEnv *env, jclass cls,
                                                                         jlong ptr, jobject buf, jint pos,
                                                                         jint stride, jint len,
                                                                         jobject present,
                                                                         jboolean data_only) {
    (void)cls;
    uint8_t *p = address(env, buf, pos);
    const uint8_t *flags = address(env, present, 0);
    if (!p || !flags) return KCP_RS_EINVAL;
    return data_only ? kcp_rs_reconstruct_data_buf(codec(ptr), p, (size_t)stride, (size_t)len, flags)
                     : kcp_rs_reconstruct_buf(codec(ptr), p, (size_t)stride, (size_t)len, flags);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeReedSolomon_cacheStats0(JNIEnv *env, jclass cls, jlong ptr,
                                                                        jlongArray dst) {
    (void)cls;
    uint64_t hits, misses;
    kcp_rs_cache_stats(codec(ptr), &hits, &misses);
    jlong values[2] = {(jlong)hits, (jlong)misses};
    (*env)->SetLongArrayRegion(env, dst, 0, 2, values);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeReedSolomon_availablePaths0(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    return (jint)kcp_rs_available_paths();
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeReedSolomon_setPath0(JNIEnv *env, jclass cls, jint path) {
    (void)env; (void)cls;
    return kcp_rs_set_path(path);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeReedSolomon_path0(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    return kcp_rs_path();
}

JNIEXPORT jstring JNICALL Java_io_kcp_kernel_NativeReedSolomon_pathName0(JNIEnv *env, jclass cls, jint path) {
    (void)cls;
    return (*env)->NewStringUTF(env, kcp_rs_path_name(path));
}
