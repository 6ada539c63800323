package io.kcp.wire;

import io.kcp.crypto.MiniJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The four sessions captured from kcp-go 5.6.1 (test resource kcp-go-5.6.1-vectors.json). */
final class Captures {

    /** One capture: what the kcp-go sender was given and every datagram it sent, in order. */
    record Capture(String description, int conv, String crypt, byte[] key, int dataShards,
                   int parityShards, int mtu, List<byte[]> messages, List<byte[]> datagrams) {

        @Override
        public String toString() {
            return crypt + " " + dataShards + "/" + parityShards;
        }
    }

    private static List<Capture> all;

    private Captures() {
    }

    @SuppressWarnings("unchecked")
    static synchronized List<Capture> all() {
        if (all == null) {
            Map<String, Object> root;
            try (InputStream in = Captures.class.getResourceAsStream("/kcp-go-5.6.1-vectors.json")) {
                if (in == null) {
                    throw new IllegalStateException("test resource kcp-go-5.6.1-vectors.json missing");
                }
                root = (Map<String, Object>) MiniJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Capture> list = new ArrayList<>();
            for (Map<String, Object> c : (List<Map<String, Object>>) root.get("captures")) {
                String key = (String) c.get("key");
                list.add(new Capture((String) c.get("description"), num(c, "conv"),
                        (String) c.get("crypt"), key == null ? null : HexFormat.of().parseHex(key),
                        num(c, "data_shards"), num(c, "parity_shards"), num(c, "mtu"),
                        hexList(c, "messages"), hexList(c, "datagrams")));
            }
            all = List.copyOf(list);
        }
        return all;
    }

    private static int num(Map<String, Object> m, String key) {
        return (int) ((Number) m.get(key)).longValue();
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]> hexList(Map<String, Object> m, String key) {
        List<byte[]> out = new ArrayList<>();
        for (Object o : (List<Object>) m.get(key)) {
            out.add(HexFormat.of().parseHex((String) o));
        }
        return out;
    }
}
