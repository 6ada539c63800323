package io.kcp.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** PBKDF2-HMAC-SHA1 against RFC 6070's published vectors. */
@Tag("kernel-independent")
class Pbkdf2Test {

    private static String derive(String password, String salt, int iterations, int length) {
        return HexFormat.of().formatHex(Pbkdf2.hmacSha1(password.getBytes(StandardCharsets.US_ASCII),
                salt.getBytes(StandardCharsets.US_ASCII), iterations, length));
    }

    @Test
    void matchesRfc6070() {
        assertEquals("0c60c80f961f0e71f3a9b524af6012062fe037a6", derive("password", "salt", 1, 20));
        assertEquals("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957", derive("password", "salt", 2, 20));
        assertEquals("4b007901b765489abead49d926f721d065a429c1", derive("password", "salt", 4096, 20));
        assertEquals("3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038",
                derive("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25));
    }

    @Test
    void anEmptyPasswordIsAllowed() {
        assertEquals(32, Pbkdf2.hmacSha1(new byte[0], new byte[] {1}, 2, 32).length);
    }
}
