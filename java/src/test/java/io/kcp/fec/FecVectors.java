package io.kcp.fec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The kcp-go 5.6.1 vectors (test resource kcp-go-5.6.1-vectors.json), parsed by the crypto
 * tests' JSON reader. That reader is package-private, so it is reached reflectively.
 */
final class FecVectors {

    private static Map<String, Object> root;

    private FecVectors() {
    }

    @SuppressWarnings("unchecked")
    static synchronized Map<String, Object> root() {
        if (root == null) {
            try (InputStream in = FecVectors.class.getResourceAsStream("/kcp-go-5.6.1-vectors.json")) {
                if (in == null) {
                    throw new IllegalStateException("test resource kcp-go-5.6.1-vectors.json missing");
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Method parse = Class.forName("io.kcp.crypto.MiniJson")
                        .getDeclaredMethod("parse", String.class);
                parse.setAccessible(true);
                root = (Map<String, Object>) parse.invoke(null, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot use io.kcp.crypto.MiniJson", e);
            }
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String key) {
        return (Map<String, Object>) root().get(key);
    }

    /** The capture whose description starts with {@code prefix}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> capture(String prefix) {
        for (Map<String, Object> c : (List<Map<String, Object>>) root().get("captures")) {
            if (((String) c.get("description")).startsWith(prefix)) {
                return c;
            }
        }
        throw new IllegalStateException("no capture " + prefix);
    }

    @SuppressWarnings("unchecked")
    static byte[][] hexList(Map<String, Object> m, String key) {
        List<Object> l = (List<Object>) m.get(key);
        byte[][] out = new byte[l.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = HexFormat.of().parseHex((String) l.get(i));
        }
        return out;
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static int integer(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).intValue();
    }
}
