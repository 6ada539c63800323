/*
 * JNI glue for io.kcp.kernel.NativeArq: argument unpacking only. Java has validated lengths and
 * positions against the buffers before every call; C never calls back into Java.
 */
#include <jni.h>
#include <string.h>

#include "io_kcp_kernel_NativeArq.h"
#include "kcp/arq.h"

static kcp_arq *arq(jlong ptr) { return (kcp_arq *)(intptr_t)ptr; }

static uint8_t *address(JNIEnv *env, jobject buf, jint pos) {
    uint8_t *base = (*env)->GetDirectBufferAddress(env, buf);
    return base ? base + pos : NULL;
}

JNIEXPORT jlong JNICALL Java_io_kcp_kernel_NativeArq_create0(JNIEnv *env, jclass cls, jint conv) {
    (void)env; (void)cls;
    return (jlong)(intptr_t)kcp_arq_create((uint32_t)conv);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeArq_destroy0(JNIEnv *env, jclass cls, jlong ptr) {
    (void)env; (void)cls;
    kcp_arq_destroy(arq(ptr));
}

JNIEXPORT jobject JNICALL Java_io_kcp_kernel_NativeArq_outputArea0(JNIEnv *env, jclass cls, jlong ptr) {
    (void)cls;
    return (*env)->NewDirectByteBuffer(env, kcp_arq_output_area(arq(ptr)), sizeof(kcp_arq_output));
}

JNIEXPORT jobject JNICALL Java_io_kcp_kernel_NativeArq_view0(JNIEnv *env, jclass cls, jlong address, jint capacity) {
    (void)cls;
    return (*env)->NewDirectByteBuffer(env, (void *)(intptr_t)address, capacity);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_send0(JNIEnv *env, jclass cls, jlong ptr, jobject src,
                                                          jint pos, jint len) {
    (void)cls;
    uint8_t *p = address(env, src, pos);
    if (!p) return -1;
    return kcp_arq_send(arq(ptr), p, (size_t)len);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_recv0(JNIEnv *env, jclass cls, jlong ptr, jobject dst,
                                                          jint pos, jint cap) {
    (void)cls;
    uint8_t *p = address(env, dst, pos);
    if (!p) return -1;
    return kcp_arq_recv(arq(ptr), p, (size_t)cap);
}

/* A message straight into a Java array (pinned for the copy, no staging): the bytes at
 * dst[off, off + cap), which Java has checked against the array. */
JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_recvArray0(JNIEnv *env, jclass cls, jlong ptr,
                                                               jbyteArray dst, jint off, jint cap) {
    (void)cls;
    jbyte *p = (*env)->GetPrimitiveArrayCritical(env, dst, NULL);
    if (!p) return -1; /* out of memory: the exception is pending */
    int r = kcp_arq_recv(arq(ptr), (uint8_t *)p + off, (size_t)cap);
    (*env)->ReleasePrimitiveArrayCritical(env, dst, p, 0);
    return r;
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_peekSize0(JNIEnv *env, jclass cls, jlong ptr) {
    (void)env; (void)cls;
    return kcp_arq_peek_size(arq(ptr));
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_input0(JNIEnv *env, jclass cls, jlong ptr, jobject src,
                                                           jint pos, jint len, jboolean regular,
                                                           jboolean ack_nodelay, jint now) {
    (void)cls;
    uint8_t *p = address(env, src, pos);
    if (!p) return -1;
    return kcp_arq_input(arq(ptr), p, (size_t)len, regular, ack_nodelay, (uint32_t)now);
}

/* input0 with the datagram's address as a long: Java took it from a direct buffer it holds, and
 * checked the length against that buffer. */
JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_inputAt0(JNIEnv *env, jclass cls, jlong ptr, jlong address,
                                                             jint len, jboolean regular,
                                                             jboolean ack_nodelay, jint now) {
    (void)env; (void)cls;
    return kcp_arq_input(arq(ptr), (const uint8_t *)(intptr_t)address, (size_t)len, regular, ack_nodelay,
                         (uint32_t)now);
}

/* The packets a receive batch queued (NativeArq.queueInput), in order, in one crossing. Each
 * 16-byte entry: i64 address, i32 length, i32 regular in / input's result out. Returns how
 * many the ARQ accepted (result 0). */
JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_inputQueued0(JNIEnv *env, jclass cls, jlong ptr,
                                                                 jlong queue, jint count,
                                                                 jboolean ack_nodelay, jint now) {
    (void)env; (void)cls;
    uint8_t *entry = (uint8_t *)(intptr_t)queue;
    int accepted = 0;
    for (int i = 0; i < count; i++, entry += 16) {
        int64_t address;
        int32_t len, regular;
        memcpy(&address, entry, 8);
        memcpy(&len, entry + 8, 4);
        memcpy(&regular, entry + 12, 4);
        int32_t r = kcp_arq_input(arq(ptr), (const uint8_t *)(intptr_t)address, (size_t)len, regular,
                                  ack_nodelay, (uint32_t)now);
        memcpy(entry + 12, &r, 4);
        if (r == 0) accepted++;
    }
    return accepted;
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_flush0(JNIEnv *env, jclass cls, jlong ptr, jint now) {
    (void)env; (void)cls;
    return (jint)kcp_arq_flush(arq(ptr), (uint32_t)now);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeArq_flushAcks0(JNIEnv *env, jclass cls, jlong ptr, jint now) {
    (void)env; (void)cls;
    kcp_arq_flush_acks(arq(ptr), (uint32_t)now);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_setMtu0(JNIEnv *env, jclass cls, jlong ptr, jint mtu) {
    (void)env; (void)cls;
    return kcp_arq_set_mtu(arq(ptr), mtu);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_reserveBytes0(JNIEnv *env, jclass cls, jlong ptr, jint n) {
    (void)env; (void)cls;
    return kcp_arq_reserve_bytes(arq(ptr), n);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeArq_nodelay0(JNIEnv *env, jclass cls, jlong ptr, jint nodelay,
                                                             jint interval, jint resend, jint nc) {
    (void)env; (void)cls;
    kcp_arq_nodelay(arq(ptr), nodelay, interval, resend, nc);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeArq_setMinRto0(JNIEnv *env, jclass cls, jlong ptr, jint minrto) {
    (void)env; (void)cls;
    kcp_arq_set_minrto(arq(ptr), minrto);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeArq_wndSize0(JNIEnv *env, jclass cls, jlong ptr, jint snd,
                                                             jint rcv) {
    (void)env; (void)cls;
    kcp_arq_wndsize(arq(ptr), snd, rcv);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeArq_setStream0(JNIEnv *env, jclass cls, jlong ptr, jboolean on) {
    (void)env; (void)cls;
    kcp_arq_set_stream(arq(ptr), on);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeArq_setAckClocking0(JNIEnv *env, jclass cls, jlong ptr,
                                                                    jboolean on) {
    (void)env; (void)cls;
    kcp_arq_set_ack_clocking(arq(ptr), on);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeArq_waitSnd0(JNIEnv *env, jclass cls, jlong ptr) {
    (void)env; (void)cls;
    return kcp_arq_wait_snd(arq(ptr));
}

JNIEXPORT jlong JNICALL Java_io_kcp_kernel_NativeArq_field0(JNIEnv *env, jclass cls, jlong ptr, jint field) {
    (void)env; (void)cls;
    return kcp_arq_field(arq(ptr), field);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeArq_snapshot0(JNIEnv *env, jclass cls, jlong ptr, jlongArray dst) {
    (void)cls;
    jlong values[KCP_F_COUNT];
    for (int f = 0; f < KCP_F_COUNT; f++) values[f] = kcp_arq_field(arq(ptr), f);
    (*env)->SetLongArrayRegion(env, dst, 0, KCP_F_COUNT, values);
}

JNIEXPORT jlong JNICALL Java_io_kcp_kernel_NativeArq_digest0(JNIEnv *env, jclass cls, jlong ptr) {
    (void)env; (void)cls;
    return (jlong)kcp_arq_digest(arq(ptr));
}
