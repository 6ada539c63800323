package io.kcp.fec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Shared helpers for the FEC framing tests. */
final class FecTestKit {

    private FecTestKit() {
    }

    /** The plain 10/3 FEC capture's datagrams: 10 data shards (seqid 0..9), then 3 parity. */
    static byte[][] captureDatagrams() {
        Map<String, Object> c = FecVectors.capture("FEC 10/3, no crypto");
        return FecVectors.hexList(c, "datagrams");
    }

    /** A datagram as the ARQ lays it out: header room, 8 FEC bytes of room, the KCP bytes. */
    static ByteBuffer outgoing(int headerOffset, byte[] kcp) {
        ByteBuffer b = ByteBuffer.allocate(headerOffset + FecPacket.HEADER_SIZE_PLUS2 + kcp.length);
        b.put(headerOffset + FecPacket.HEADER_SIZE_PLUS2, kcp);
        return b;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    static byte[] bytes(ByteBuffer b, int from, int to) {
        byte[] a = new byte[to - from];
        b.get(from, a);
        return a;
    }

    /** Encodes KCP payloads; returns every datagram (data, then parity after each group) in order. */
    static List<byte[]> encodeAll(FecEncoder enc, List<byte[]> kcp) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] k : kcp) {
            ByteBuffer d = outgoing(enc.headerOffset(), k);
            int n = enc.encode(d, 0, d.capacity());
            out.add(d.array());
            for (int p = 0; p < n; p++) {
                out.add(bytes(enc.parity(p)));
            }
        }
        return out;
    }

    /** A sink that records what it is given. */
    static final class Collector implements KcpSink {
        final List<byte[]> payloads = new ArrayList<>();
        final List<Boolean> regular = new ArrayList<>();
        int result;

        @Override
        public int input(ByteBuffer kcp, boolean isRegular) {
            payloads.add(bytes(kcp));
            regular.add(isRegular);
            return result;
        }

        int count(byte[] payload) {
            int n = 0;
            for (byte[] p : payloads) {
                if (Arrays.equals(p, payload)) {
                    n++;
                }
            }
            return n;
        }

        int recoveredCount() {
            return (int) regular.stream().filter(r -> !r).count();
        }

        void clear() {
            payloads.clear();
            regular.clear();
        }
    }

    /** Feeds a whole datagram (no crypto header) to the decoder from a reused receive buffer. */
    static int feed(FecDecoder dec, ByteBuffer rxBuf, byte[] datagram, int now, KcpSink sink) {
        rxBuf.clear().put(0, datagram);
        return dec.decode(rxBuf, 0, datagram.length, now, sink);
    }
}
