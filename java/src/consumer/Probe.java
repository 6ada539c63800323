import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpListener;
import io.kcp.KcpSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A consumer of the published jars, run by build.sh's packaging check on the class path and on
 * the module path, with the mandatory dependencies only: an aes + FEC session end to end, and the
 * error a user without BouncyCastle gets for a cipher that needs it. It prints only these lines.
 */
public class Probe {
    public static void main(String[] args) throws Exception {
        System.out.println("kernel=" + Kcp.kernel());
        KcpConfig cfg = KcpConfig.builder().crypt("aes", "probe").fec(10, 3).build();
        try (KcpListener l = Kcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), cfg);
             KcpSession c = Kcp.dial(l.localAddress(), cfg)) {
            c.write(ByteBuffer.wrap("hello".getBytes()));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            ByteBuffer b = ByteBuffer.allocate(5);
            while (b.hasRemaining()) s.read(b);
            System.out.println("echo=" + new String(b.array()));
        }
        try {
            KcpConfig.builder().crypt("salsa20", "probe");
            System.out.println("salsa20=available");
        } catch (IllegalStateException e) {
            System.out.println("salsa20=" + (e.getMessage().contains("org.bouncycastle:bcprov-jdk18on")
                    ? "names bcprov" : e.getMessage()));
        }
    }
}
