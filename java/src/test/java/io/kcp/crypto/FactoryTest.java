package io.kcp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class FactoryTest {

    private static final String ALL = "aes, aes-128, aes-192, salsa20, blowfish, twofish, cast5, "
            + "3des, tea, xtea, xor, sm4, none, null";

    @Test
    void namesAreKcptunsInOrder() {
        assertEquals(List.of(ALL.split(", ")), PacketCiphers.names());
    }

    @Test
    void unknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PacketCiphers.create("AES", new byte[32]));
        assertEquals("unknown cipher 'AES'; valid names: " + ALL, e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PacketCiphers.fromPassword("rc4", "x"));
        assertThrows(IllegalArgumentException.class, () -> PacketCiphers.create(null, new byte[32]));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "aes      | 16 | cipher 'aes' needs a key of 32 bytes, got 16 bytes",
        "aes-128  | 32 | cipher 'aes-128' needs a key of 16 bytes, got 32 bytes",
        "aes-192  | 16 | cipher 'aes-192' needs a key of 24 bytes, got 16 bytes",
        "salsa20  | 16 | cipher 'salsa20' needs a key of 32 bytes, got 16 bytes",
        "blowfish | 3  | cipher 'blowfish' needs a key of 4 to 56 bytes, got 3 bytes",
        "blowfish | 57 | cipher 'blowfish' needs a key of 4 to 56 bytes, got 57 bytes",
        "twofish  | 20 | cipher 'twofish' needs a key of 16, 24 or 32 bytes, got 20 bytes",
        "cast5    | 15 | cipher 'cast5' needs a key of 16 bytes, got 15 bytes",
        "3des     | 16 | cipher '3des' needs a key of 24 bytes, got 16 bytes",
        "tea      | 32 | cipher 'tea' needs a key of 16 bytes, got 32 bytes",
        "xtea     | 8  | cipher 'xtea' needs a key of 16 bytes, got 8 bytes",
        "xor      | 0  | cipher 'xor' needs a key of at least 1 byte, got 0 bytes",
        "sm4      | 24 | cipher 'sm4' needs a key of 16 bytes, got 24 bytes",
    })
    void wrongKeyLengthSaysWhatIsAllowed(String name, int length, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PacketCiphers.create(name, new byte[length]));
        assertEquals(message, e.getMessage());
    }

    @Test
    void missingKeyIsReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PacketCiphers.create("sm4", null));
        assertEquals("cipher 'sm4' needs a key of 16 bytes, got no key", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"twofish,16", "twofish,24", "twofish,32", "blowfish,4", "blowfish,56",
        "blowfish,32", "xor,1", "xor,100"})
    void everyAdvertisedKeyLengthWorks(String name, int length) {
        byte[] key = new byte[length];
        key[0] = 1;
        PacketCipher c = PacketCiphers.create(name, key);
        byte[] buf = new byte[40];
        c.encrypt(buf, 0, buf.length);
        assertFalse(java.util.Arrays.equals(new byte[40], buf));
        c.decrypt(buf, 0, buf.length);
        assertArrayEquals(new byte[40], buf);
    }

    @Test
    void noneAndNullIgnoreTheKeyAndOnlyNoneHasAHeader() {
        PacketCipher none = PacketCiphers.create("none", null);
        PacketCipher nul = PacketCiphers.fromPassword("null", "whatever");
        assertTrue(none.hasHeader());
        assertFalse(nul.hasHeader());
        assertEquals("none", none.name());
        assertEquals("null", nul.name());
        byte[] buf = {1, 2, 3};
        none.encrypt(buf, 0, 3);
        nul.decrypt(buf, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, buf);
    }

    @ParameterizedTest
    @EnumSource(value = CipherKind.class, names = {"NULL"}, mode = EnumSource.Mode.EXCLUDE)
    void everyOtherCipherHasTheHeaderAndItsName(CipherKind kind) {
        PacketCipher c = AllCiphers.create(kind);
        assertTrue(c.hasHeader());
        assertEquals(kind.id(), c.name());
        assertEquals(kind, CipherKind.of(kind.id()));
    }

    @ParameterizedTest
    @EnumSource(CipherKind.class)
    void theKeyIsCopied(CipherKind kind) {
        byte[] key = AllCiphers.key(kind);
        PacketCipher c = kind.create(key);
        byte[] expected = new byte[64];
        c.encrypt(expected, 0, 64);
        java.util.Arrays.fill(key, (byte) 0x55);
        byte[] buf = new byte[64];
        c.encrypt(buf, 0, 64);
        assertArrayEquals(expected, buf);
    }

    @Test
    void kcptunKeyIsUtf8Pbkdf2AndSlicedPerCipher() throws Exception {
        byte[] pass = PacketCiphers.kcptunKey("p\u00e4ssw\u00f6rd");
        assertArrayEquals(ReferenceCiphers.pbkdf2Sha1("p\u00e4ssw\u00f6rd".getBytes("UTF-8"),
                "kcp-go".getBytes("US-ASCII"), 4096, 32), pass);
        for (CipherKind kind : CipherKind.values()) {
            if (kind.kcptunKeyLength() == 0) {
                continue;
            }
            byte[] viaPassword = new byte[100];
            PacketCiphers.fromPassword(kind.id(), "p\u00e4ssw\u00f6rd").encrypt(viaPassword, 0, 100);
            byte[] viaKey = new byte[100];
            kind.create(java.util.Arrays.copyOf(pass, kind.kcptunKeyLength())).encrypt(viaKey, 0, 100);
            assertArrayEquals(viaKey, viaPassword, kind.id());
        }
    }
}
