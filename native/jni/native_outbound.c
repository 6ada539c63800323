/*
 * JNI glue for io.kcp.kernel.NativeOutbound: argument unpacking only. Java has sized the batch
 * for the most an encode can append (outbound.h's bounds) before each call; C still refuses to
 * write past it. The batch's meta ints: [0] GSO flag in/out, [1] send error out, [2] datagrams
 * and [3] bytes in the batch, in and out, [4] the interval a flush returned.
 */
#include <jni.h>
#include <stdint.h>

#include "io_kcp_kernel_NativeOutbound.h"
#include "kcp/arq.h"
#include "kcp/outbound.h"
#include "kcp/udp.h"

#define PTR(p) ((void *)(intptr_t)(p))

static kcp_wire wire_of(jlong data, jint capacity, jlong lens, jint lens_capacity, int32_t *meta) {
    kcp_wire w;
    w.data = (uint8_t *)PTR(data);
    w.cap = (size_t)capacity;
    w.lens = (uint16_t *)PTR(lens);
    w.lens_cap = lens_capacity;
    w.count = meta[2];
    w.len = (size_t)meta[3];
    return w;
}

/* Encodes the ARQ's output records into the batch, empties the output area on success. */
static int encode_arq(kcp_outbound *o, kcp_arq *arq, kcp_wire *w, int32_t *meta) {
    kcp_arq_output *out = kcp_arq_output_area(arq);
    int r = kcp_outbound_encode(o, out->data, out->len, (int)out->count, w);
    meta[2] = w->count;
    meta[3] = (int32_t)w->len;
    if (r == 0) {
        out->len = 0;
        out->count = 0;
    }
    return r;
}

/* encode_arq, then the whole batch to the socket: the datagrams sent, or the encode's negative
 * status (nothing sent). meta[0] and [1] get the send's GSO flag and error. */
static int encode_and_send(kcp_outbound *o, kcp_arq *arq, kcp_wire *w, int32_t *meta, jint fd,
                           jlong address, jint address_length) {
    int r = encode_arq(o, arq, w, meta);
    if (r != 0) return r;
    meta[1] = 0;
    if (w->count == 0) return 0;
    return kcp_udp_send(fd, w->data, w->lens, w->count, PTR(address), address_length, &meta[0],
                        &meta[1]);
}

JNIEXPORT jlong JNICALL Java_io_kcp_kernel_NativeOutbound_new0(JNIEnv *env, jclass cls, jint crypto,
                                                               jint ds, jint ps, jint max) {
    (void)env; (void)cls;
    return (jlong)(intptr_t)kcp_outbound_new(crypto, ds, ps, max);
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeOutbound_free0(JNIEnv *env, jclass cls, jlong ptr) {
    (void)env; (void)cls;
    kcp_outbound_free((kcp_outbound *)PTR(ptr));
}

JNIEXPORT void JNICALL Java_io_kcp_kernel_NativeOutbound_setDuplicates0(JNIEnv *env, jclass cls,
                                                                        jlong ptr, jint n) {
    (void)env; (void)cls;
    kcp_outbound_set_duplicates((kcp_outbound *)PTR(ptr), n);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeOutbound_encode0(JNIEnv *env, jclass cls, jlong ptr,
                                                                 jlong arq, jlong data, jint capacity,
                                                                 jlong lens, jint lens_capacity,
                                                                 jlong meta) {
    (void)env; (void)cls;
    int32_t *m = (int32_t *)PTR(meta);
    kcp_wire w = wire_of(data, capacity, lens, lens_capacity, m);
    return encode_arq((kcp_outbound *)PTR(ptr), (kcp_arq *)PTR(arq), &w, m);
}

/* Encode, then send the whole batch, in one crossing. */
JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeOutbound_encodeSend0(JNIEnv *env, jclass cls,
                                                                     jlong ptr, jlong arq,
                                                                     jlong data, jint capacity,
                                                                     jlong lens, jint lens_capacity,
                                                                     jlong meta, jint fd,
                                                                     jlong address, jint address_length) {
    (void)env; (void)cls;
    int32_t *m = (int32_t *)PTR(meta);
    kcp_wire w = wire_of(data, capacity, lens, lens_capacity, m);
    return encode_and_send((kcp_outbound *)PTR(ptr), (kcp_arq *)PTR(arq), &w, m, fd, address,
                           address_length);
}

/* Flush the ARQ, encode its output and send the batch: the whole way out in one crossing.
 * Returns the datagrams sent; -3 when the batch has no room for this flush's output (it stays
 * in the ARQ's output area for a call with a larger batch); or the encode's negative status. */
JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeOutbound_flushSend0(JNIEnv *env, jclass cls,
                                                                    jlong ptr, jlong arq, jint now,
                                                                    jlong data, jint capacity,
                                                                    jlong lens, jint lens_capacity,
                                                                    jlong meta, jint fd,
                                                                    jlong address, jint address_length) {
    (void)env; (void)cls;
    kcp_outbound *o = (kcp_outbound *)PTR(ptr);
    kcp_arq *k = (kcp_arq *)PTR(arq);
    int32_t *m = (int32_t *)PTR(meta);
    m[4] = (int32_t)kcp_arq_flush(k, (uint32_t)now);
    kcp_arq_output *out = kcp_arq_output_area(k);
    if (out->count == 0) return 0;
    kcp_wire w = wire_of(data, capacity, lens, lens_capacity, m);
    if (kcp_outbound_bytes_bound(o, out->len, (int)out->count) > w.cap - w.len
        || kcp_outbound_datagrams_bound(o, (int)out->count) > w.lens_cap - w.count) {
        return -3;
    }
    return encode_and_send(o, k, &w, m, fd, address, address_length);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeOutbound_encodeRecords0(JNIEnv *env, jclass cls,
                                                                        jlong ptr, jlong records,
                                                                        jint length, jint count,
                                                                        jlong data, jint capacity,
                                                                        jlong lens, jint lens_capacity,
                                                                        jlong meta) {
    (void)env; (void)cls;
    int32_t *m = (int32_t *)PTR(meta);
    kcp_wire w = wire_of(data, capacity, lens, lens_capacity, m);
    int r = kcp_outbound_encode((kcp_outbound *)PTR(ptr), (const uint8_t *)PTR(records),
                                (size_t)length, count, &w);
    m[2] = w.count;
    m[3] = (int32_t)w.len;
    return r;
}
