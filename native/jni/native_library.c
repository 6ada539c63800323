/* JNI glue for io.kcp.kernel.NativeLibrary: what the loader checks before trusting the library. */
#include "io_kcp_kernel_NativeLibrary.h"

#include <kcp/arq.h>

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeLibrary_abiVersion0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return KCP_ABI_VERSION;
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeLibrary_arqFieldCount0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return KCP_F_COUNT;
}
