package io.kcp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Bytes that kcp-go 5.6.1 produced, one pair per cipher, plus two captured datagrams. */
class KcpGoVectorsTest {

    private static List<Map<String, Object>> cipherVectors() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> v : Vectors.list(Vectors.root(), "ciphers")) {
            if (!v.get("name").equals("xor-table")) {
                out.add(v);
            }
        }
        return out;
    }

    @Test
    void everyNameButNullHasAVector() {
        List<String> withVector = new ArrayList<>();
        for (Map<String, Object> v : cipherVectors()) {
            withVector.add((String) v.get("name"));
        }
        List<String> expected = new ArrayList<>(PacketCiphers.names());
        expected.remove("null");
        assertEquals(expected, withVector);
    }

    @TestFactory
    Stream<DynamicTest> encryptMatchesKcpGo() {
        return cipherVectors().stream().map(v -> DynamicTest.dynamicTest((String) v.get("name"), () -> {
            PacketCipher c = PacketCiphers.create((String) v.get("name"), Vectors.hex(v, "key"));
            byte[] plain = Vectors.hex(v, "plaintext");
            byte[] expected = Vectors.hex(v, "ciphertext");
            byte[] buf = plain.clone();
            c.encrypt(buf, 0, buf.length);
            assertArrayEquals(expected, buf);
            c.decrypt(buf, 0, buf.length);
            assertArrayEquals(plain, buf);
        }));
    }

    @TestFactory
    Stream<DynamicTest> kcptunPasswordSelectsTheKeySliceOfTheVector() {
        String password = (String) Vectors.object(Vectors.root(), "kcptun_pbkdf2").get("password");
        return cipherVectors().stream().map(v -> DynamicTest.dynamicTest((String) v.get("name"), () -> {
            PacketCipher c = PacketCiphers.fromPassword((String) v.get("name"), password);
            byte[] buf = Vectors.hex(v, "plaintext");
            c.encrypt(buf, 0, buf.length);
            assertArrayEquals(Vectors.hex(v, "ciphertext"), buf);
        }));
    }

    @Test
    void kcptunKeyDerivation() {
        Map<String, Object> p = Vectors.object(Vectors.root(), "kcptun_pbkdf2");
        assertEquals("kcp-go", p.get("salt"));
        assertEquals(4096.0, p.get("iterations"));
        assertArrayEquals(Vectors.hex(p, "key"), PacketCiphers.kcptunKey((String) p.get("password")));
    }

    @Test
    void fixedIv() {
        byte[] iv = Vectors.hex((String) Vectors.root().get("initial_vector"));
        assertArrayEquals(iv, Cfb.iv(16));
        assertArrayEquals(Arrays.copyOf(iv, 8), Cfb.iv(8));
    }

    @Test
    void xorTableIsPbkdf2OfTheKey() {
        Map<String, Object> v = Vectors.list(Vectors.root(), "ciphers").stream()
                .filter(m -> m.get("name").equals("xor-table")).findFirst().orElseThrow();
        byte[] zeros = new byte[64];
        PacketCiphers.create("xor", Vectors.hex(v, "key")).encrypt(zeros, 0, zeros.length);
        assertArrayEquals(Vectors.hex(v, "ciphertext"), zeros);
    }

    @TestFactory
    Stream<DynamicTest> capturedEncryptedDatagrams() {
        return Vectors.list(Vectors.root(), "captures").stream()
                .filter(c -> !c.get("crypt").equals("null"))
                .map(c -> DynamicTest.dynamicTest((String) c.get("crypt"), () -> checkCapture(c)));
    }

    @SuppressWarnings("unchecked")
    private static void checkCapture(Map<String, Object> capture) {
        PacketCipher c = PacketCiphers.create((String) capture.get("crypt"), Vectors.hex(capture, "key"));
        byte[] message = Vectors.hex(((List<String>) capture.get("messages")).get(0));
        byte[] datagram = Vectors.hex(((List<String>) capture.get("datagrams")).get(0));
        byte[] buf = datagram.clone();
        c.decrypt(buf, 0, buf.length);

        CRC32 crc = new CRC32();
        crc.update(buf, PacketCipher.HEADER_SIZE, buf.length - PacketCipher.HEADER_SIZE);
        assertEquals(crc.getValue(), le32(buf, PacketCipher.NONCE_SIZE) & 0xffffffffL, "crc32");
        boolean fec = ((Double) capture.get("data_shards")) > 0;
        int kcp = PacketCipher.HEADER_SIZE + (fec ? 8 : 0);
        assertEquals(((Double) capture.get("conv")).longValue(), le32(buf, kcp) & 0xffffffffL, "conv");
        assertArrayEquals(message, Arrays.copyOfRange(buf, buf.length - message.length, buf.length));

        c.encrypt(buf, 0, buf.length);
        assertArrayEquals(datagram, buf);
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }
}
