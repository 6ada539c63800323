/**
 * kcp-java: KCP for the JVM, wire-compatible with kcp-go. The API is the {@code io.kcp}
 * package: {@link io.kcp.Kcp} to dial and listen, {@link io.kcp.KcpSession},
 * {@link io.kcp.KcpListener}, {@link io.kcp.KcpConfig}. Everything else is internal.
 *
 * <p>On the module path, the native kernel needs {@code --enable-native-access=io.kcp} on JDK 22
 * and later (the Java kernel needs nothing).
 */
module io.kcp {
    exports io.kcp;
    // many streams over one session (smux, as kcptun speaks it)
    exports io.kcp.mux;
    // a Micrometer MeterBinder for the counters, for applications that have Micrometer
    exports io.kcp.micrometer;

    // finds and extracts the platform's native library
    requires org.scijava.nativelib;
    // the ciphers the JDK lacks (salsa20, twofish, cast5, xtea, sm4): optional
    requires static org.bouncycastle.provider;
    // HotSpot's flags, to choose the faster CRC-32
    requires static jdk.management;
    // the counters as MBeans, out of the box
    requires java.management;
    requires static micrometer.core;
}
