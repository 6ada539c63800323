/* JNI glue for io.kcp.kernel.NativeLibrary: what the loader checks before trusting the library. */
#include "io_kcp_kernel_NativeLibrary.h"

#include <kcp/arq.h>

#define KCP_STR2(x) #x
#define KCP_STR(x) KCP_STR2(x)

/* The ABI as text in the binary, so a packaging check can read it without loading the library
 * (native/check-natives.sh compares it with KCP_ABI_VERSION in arq.h). */
__attribute__((used)) static const char abi_tag[] = "kcp-java-abi=" KCP_STR(KCP_ABI_VERSION) ";";

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeLibrary_abiVersion0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return KCP_ABI_VERSION + 0 * (jint)sizeof(abi_tag);
}

JNIEXPORT jint JNICALL Java_io_kcp_kernel_NativeLibrary_arqFieldCount0(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return KCP_F_COUNT;
}
