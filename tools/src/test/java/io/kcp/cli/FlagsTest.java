package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.KcpConfig;
import io.kcp.KernelChoice;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kcptun's flag names and defaults, and the errors bad flags give. */
class FlagsTest {

    private static Flags parse(String... args) {
        return Flags.parse(args, 0, List.of("remote", "bytes", "timeout", "loss"));
    }

    @Test
    void defaultsAreKcptuns() {
        KcpConfig client = parse().kcptunConfig(false);
        assertEquals("aes", client.crypt());
        assertEquals(10, client.dataShards());
        assertEquals(3, client.parityShards());
        assertEquals(0, client.nodelay());   // mode fast: 0, 30, 2, 1
        assertEquals(30, client.interval());
        assertEquals(2, client.resend());
        assertEquals(1, client.nc());
        assertEquals(1350, client.mtu());
        assertEquals(128, client.sendWindow());
        assertEquals(512, client.receiveWindow());
        assertFalse(client.streamMode());
        KcpConfig server = parse().kcptunConfig(true);
        assertEquals(1024, server.sendWindow());
        assertEquals(1024, server.receiveWindow());
    }

    @Test
    void plainConfigKeepsTheLibrarysDefaults() {
        KcpConfig lib = KcpConfig.builder().build();
        KcpConfig c = parse().config();
        assertEquals("null", c.crypt());
        assertFalse(c.fecEnabled());
        assertEquals(lib.mtu(), c.mtu());
        assertEquals(lib.sendWindow(), c.sendWindow());
        assertEquals(lib.receiveWindow(), c.receiveWindow());
        assertEquals(lib.interval(), c.interval());
        assertEquals("aes", parse("--crypt", "aes").config().crypt());
    }

    @Test
    void everyKcptunFlagReachesTheConfig() {
        KcpConfig c = parse("--crypt", "salsa20", "--key=k", "--datashard", "0", "--parityshard", "0",
                "--mode", "fast3", "--resend", "0", "--sndwnd", "1024", "--rcvwnd", "2048",
                "--mtu", "1400", "--stream", "--acknodelay", "--kernel", "java", "--sockbuf", "1m",
                "--dscp", "46").kcptunConfig(false);
        assertEquals("salsa20", c.crypt());
        assertFalse(c.fecEnabled());
        assertEquals(1, c.nodelay());
        assertEquals(10, c.interval());
        assertEquals(0, c.resend()); // explicit beats the preset
        assertEquals(1, c.nc());
        assertEquals(1024, c.sendWindow());
        assertEquals(2048, c.receiveWindow());
        assertEquals(1400, c.mtu());
        assertTrue(c.streamMode());
        assertTrue(c.ackNoDelay());
        assertTrue(c.ackClocking());
        assertEquals(KernelChoice.JAVA, c.kernelChoice());
        assertEquals(1 << 20, c.readBufferBytes());
        assertEquals(46, c.dscp());
    }

    @Test
    void ackClockingIsOnUnlessSwitchedOff() {
        assertTrue(parse().config().ackClocking());
        assertTrue(parse("--ackclocking").config().ackClocking());
        assertFalse(parse("--ackclocking=false").config().ackClocking());
        assertFalse(parse("--ackclocking=0").kcptunConfig(false).ackClocking());
    }

    @Test
    void manualModeStartsFromKcpDefaults() {
        KcpConfig c = parse("--mode", "manual", "--nodelay", "1").kcptunConfig(false);
        assertEquals(1, c.nodelay());
        assertEquals(50, c.interval());
        assertEquals(0, c.resend());
        assertEquals(0, c.nc());
    }

    @Test
    void sizesTimesAndAddresses() {
        Flags f = parse("--bytes", "8m", "--timeout", "1.5", "--remote", "127.0.0.1:4000");
        assertEquals(8L << 20, f.number("bytes", 0));
        assertEquals(Duration.ofMillis(1500), f.seconds("timeout", 60, 0));
        assertEquals(4000, f.address("remote", null).getPort());
        assertEquals(0, parse().address("remote", "127.0.0.1:0").getPort());
    }

    @Test
    void badInputIsAUsageErrorThatSaysWhatIsWrong() {
        assertUsage("unknown flag --nope", () -> parse("--nope", "1"));
        assertUsage("--bytes needs a value", () -> parse("--bytes"));
        assertUsage("unexpected argument 'x'", () -> parse("x"));
        assertUsage("--bytes must be a number", () -> parse("--bytes", "lots").number("bytes", 0));
        assertUsage("--bytes must be in [0, 10]", () -> parse("--bytes", "11").number("bytes", 0, 0, 10));
        assertUsage("--timeout must be seconds", () -> parse("--timeout", "soon").seconds("timeout", 1, 0));
        assertUsage("--remote HOST:PORT is required", () -> parse().address("remote", null));
        assertUsage("--remote must be HOST:PORT", () -> parse("--remote", "localhost").address("remote", null));
        assertUsage("--remote port must be 0..65535", () -> parse("--remote", "h:70000").address("remote", null));
        assertUsage("--mode must be normal, fast, fast2, fast3 or manual", () -> parse("--mode", "turbo").kcptunConfig(false));
        assertUsage("unknown", () -> parse("--crypt", "rot13").kcptunConfig(false));
        assertUsage("--datashard must be in [0, 255], got -1", () -> parse("--datashard", "-1").kcptunConfig(false));
        assertUsage("--datashard + --parityshard must be at most 256, got 200 + 100",
                () -> parse("--datashard", "200", "--parityshard", "100").kcptunConfig(false));
        // kcptun's rule: a zero in either count turns FEC off, it is not an error
        assertEquals(false, parse("--datashard", "10", "--parityshard", "0").kcptunConfig(false).fecEnabled());
        assertEquals(false, parse("--datashard", "0").kcptunConfig(false).fecEnabled());
        assertUsage("mtu must be in", () -> parse("--mtu", "20").kcptunConfig(false));
        assertUsage("--kernel must be auto, native or java", () -> parse("--kernel", "gpu").kcptunConfig(false));
        assertUsage("--stream is a switch", () -> parse("--stream=maybe").kcptunConfig(false));
        assertUsage("--bytes needs a value", () -> parse("--bytes", "--timeout", "1"));
        assertUsage("unknown flag --mtuu; did you mean --mtu?", () -> parse("--mtuu", "1"));
        assertUsage("unknown flag --op", () -> parse("--op", "ping")); // nothing close enough to suggest
        assertUsage("--remote port must be 1..65535, got 0", () -> parse("--remote", "127.0.0.1:0").remote("remote"));
        assertUsage("--bytes must be at least 0, got -1", () -> parse("--bytes", "-1").number("bytes", 0, 0, Long.MAX_VALUE));
        assertUsage("--loss must be in [0, 100], got 100.5", () -> parse("--loss", "100.5").decimal("loss", 0, 0, 100));
        assertUsage("--loss must be a number, got 'lots'", () -> parse("--loss", "lots").decimal("loss", 0, 0, 100));
        assertEquals(0.5, parse("--loss", "0.5").decimal("loss", 5, 0, 100));
        assertUsage("--interval must be in [10, 5000], got 5", () -> parse("--interval", "5").kcptunConfig(false));
        assertUsage("--sockbuf must be 0 (the OS default) or at least 1024", () -> parse("--sockbuf", "100").config());
        assertUsage("--mtu must be in [50, 1500], got 99999999999", () -> parse("--mtu", "99999999999").config());
    }

    private static void assertUsage(String fragment, Runnable r) {
        Flags.UsageException e = assertThrows(Flags.UsageException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
