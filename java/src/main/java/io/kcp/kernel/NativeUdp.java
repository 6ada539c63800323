package io.kcp.kernel;

import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The natives of {@code native/src/udp.c}: batched UDP sends (sendmmsg, UDP GSO) and receives
 * (recvmmsg, UDP GRO) on Linux. Raw and unchecked; {@link NativeUdpSocket},
 * {@link NativeUdpBatch} and {@link NativeUdpReceiver} check everything first.
 *
 * <p>The system property {@value #PROPERTY}{@code =false} turns them off (the portable
 * {@code DatagramChannel} path then sends and receives every datagram), for comparison or
 * diagnosis.
 */
public final class NativeUdp {

    /** The system property that turns batched native sends and receives off when {@code false}. */
    public static final String PROPERTY = "kcp.nativeUdp";

    /** Room for the largest C socket address kcp-java writes (KCP_UDP_ADDRESS_SIZE). */
    static final int ADDRESS_SIZE = 28;

    private NativeUdp() {}

    private static final class Holder {
        static final boolean AVAILABLE = !"false".equalsIgnoreCase(System.getProperty(PROPERTY))
                && NativeLibrary.unavailabilityCause() == null && supported0() == 1;
    }

    /**
     * True when batched native sends and receives can be used in this JVM: the native library is loaded,
     * the platform is Linux, and {@value #PROPERTY} is not {@code false}.
     */
    public static boolean available() {
        return Holder.AVAILABLE;
    }

    static native int supported0();

    static native int channelFd0(DatagramChannel channel);

    static native int dup0(int fd);

    static native void close0(int fd);

    static native long address0(ByteBuffer directBuffer);

    static native int socketAddress0(int fd, byte[] ip, int port, int scopeId, byte[] out);

    static native int send0(int fd, long data, long lens, int count, long address, int addressLength,
                            long state);

    static native String errorText0(int errno);

    static native int receive0(int fd, long data, int slot, int max, long messages, long error);

    static native int setGro0(int fd, int on);
}
