package io.kcp.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The vectors kcp-go 5.6.1 produced (test resource kcp-go-5.6.1-vectors.json). */
final class Vectors {

    private static Map<String, Object> root;

    private Vectors() {
    }

    @SuppressWarnings("unchecked")
    static synchronized Map<String, Object> root() {
        if (root == null) {
            try (InputStream in = Vectors.class.getResourceAsStream("/kcp-go-5.6.1-vectors.json")) {
                if (in == null) {
                    throw new IllegalStateException("test resource kcp-go-5.6.1-vectors.json missing");
                }
                root = (Map<String, Object>) MiniJson.parse(
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    static byte[] hex(Map<String, Object> m, String key) {
        return HexFormat.of().parseHex((String) m.get(key));
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
