/*
 * JNI glue for io.kcp.kernel.NativeUdp: argument unpacking only. Java has checked every
 * address, count and length against its own direct buffers before each call; C never calls
 * back into Java.
 */
#include <errno.h>
#include <jni.h>
#include <string.h>

#include "io_kcp_kernel_NativeUdp.h"
#include "kcp/udp.h"

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeUdp_supported0(JNIEnv *env, jclass cls) {
    (void)env; (void)cls;
    return kcp_udp_supported();
}

/*
 * The descriptor of a JDK DatagramChannel, read from its implementation's int field "fdVal"
 * (present in the JDK's sun.nio.ch.DatagramChannelImpl since JDK 9); JNI reads it without the
 * module access that reflection would need. -1 if the channel has no such field.
 */
JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeUdp_channelFd0(JNIEnv *env, jclass cls, jobject channel) {
    (void)cls;
    jclass impl = (*env)->GetObjectClass(env, channel);
    jfieldID id = (*env)->GetFieldID(env, impl, "fdVal", "I");
    if (!id) {
        (*env)->ExceptionClear(env); /* NoSuchFieldError: another JDK's channel */
        return -1;
    }
    return (*env)->GetIntField(env, channel, id);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeUdp_dup0(JNIEnv *env, jclass cls, jint fd) {
    (void)env; (void)cls;
    return kcp_udp_dup(fd);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeUdp_close0(JNIEnv *env, jclass cls, jint fd) {
    (void)env; (void)cls;
    kcp_udp_close(fd);
}

JNIEXPORT jlong JNICALL Java_io_kcp_kernel_NativeUdp_address0(JNIEnv *env, jclass cls, jobject buf) {
    (void)cls;
    return (jlong)(intptr_t)(*env)->GetDirectBufferAddress(env, buf);
}

/* The socket address into out (a byte[] of at least KCP_UDP_ADDRESS_SIZE; Java checked it). */
JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeUdp_socketAddress0(JNIEnv *env, jclass cls, jint fd,
                                                                   jbyteArray ip, jint port,
                                                                   jint scope, jbyteArray out) {
    (void)cls;
    jbyte bytes[16];
    uint8_t address[KCP_UDP_ADDRESS_SIZE];
    jsize len = (*env)->GetArrayLength(env, ip);
    if (len != 4 && len != 16) return -EINVAL;
    (*env)->GetByteArrayRegion(env, ip, 0, len, bytes);
    int n = kcp_udp_address(fd, (const uint8_t *)bytes, len, port, (uint32_t)scope, address);
    if (n > 0) (*env)->SetByteArrayRegion(env, out, 0, n, (const jbyte *)address);
    return n;
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeUdp_send0(JNIEnv *env, jclass cls, jint fd,
                                                          jlong data, jlong lens, jint count,
                                                          jlong addr, jint addr_len, jlong state) {
    (void)env; (void)cls;
    int *flags_and_error = (int *)(intptr_t)state; /* [0] flags in/out, [1] error out */
    return kcp_udp_send(fd, (const uint8_t *)(intptr_t)data, (const uint16_t *)(intptr_t)lens,
                        count, (const void *)(intptr_t)addr, addr_len, &flags_and_error[0],
                        &flags_and_error[1]);
}

JNIEXPORT jstring JNICALL Java_io_kcp_kernel_NativeUdp_errorText0(JNIEnv *env, jclass cls, jint err) {
    (void)cls;
    return (*env)->NewStringUTF(env, strerror(err));
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeUdp_receive0(JNIEnv *env, jclass cls, jint fd,
                                                             jlong data, jint slot, jint max,
                                                             jlong messages, jlong error) {
    (void)env; (void)cls;
    return kcp_udp_receive(fd, (uint8_t *)(intptr_t)data, slot, max,
                           (struct kcp_udp_message *)(intptr_t)messages, (int *)(intptr_t)error);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeUdp_setGro0(JNIEnv *env, jclass cls, jint fd, jint on) {
    (void)env; (void)cls;
    return kcp_udp_set_gro(fd, on);
}
