package io.kcp.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * PBKDF2-HMAC-SHA1 (RFC 8018) over raw bytes, on the JDK's HMAC: the JDK's own PBKDF2 takes the
 * password as characters, and kcptun's key derivation is defined on bytes.
 */
final class Pbkdf2 {

    private static final int SHA1_BYTES = 20;

    private Pbkdf2() {
    }

    static byte[] hmacSha1(byte[] password, byte[] salt, int iterations, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // an empty password is legal here; SecretKeySpec refuses an empty key array
            mac.init(password.length == 0 ? new EmptyKey() : new SecretKeySpec(password, "HmacSHA1"));
            byte[] out = new byte[length];
            byte[] u = new byte[SHA1_BYTES];
            byte[] t = new byte[SHA1_BYTES];
            for (int block = 1, done = 0; done < length; block++) {
                mac.update(salt);
                mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16),
                        (byte) (block >>> 8), (byte) block});
                mac.doFinal(u, 0);
                System.arraycopy(u, 0, t, 0, SHA1_BYTES);
                for (int i = 1; i < iterations; i++) {
                    mac.update(u);
                    mac.doFinal(u, 0);
                    for (int k = 0; k < SHA1_BYTES; k++) t[k] ^= u[k];
                }
                int n = Math.min(SHA1_BYTES, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA1", e);
        }
    }

    /** A zero-length HMAC key (RFC 2104 allows it). */
    private static final class EmptyKey implements javax.crypto.SecretKey {
        private static final long serialVersionUID = 1L;

        @Override
        public String getAlgorithm() {
            return "HmacSHA1";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return new byte[0];
        }
    }
}
