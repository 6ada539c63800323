#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets to native/fuzz/seeds/<target>/.

Each seed is a small, valid program in its target's input format (see the comment at the top
of each target), chosen to start the fuzzer in the interesting states: FEC groups with losses,
the seqid wrap, message and stream mode, a corrupted datagram, hostile FEC packets.
Run it again after changing an input format; build.sh passes the directories to the fuzzers.
"""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


# ---- fuzz_inbound ----------------------------------------------------------------------------
CRYPTO, FEC, STREAM, ACK_NODELAY, PROFILE = 1, 2, 4, 8, 16
FAST3 = PROFILE | (3 << 5)


def inbound_config(flags, ds, ps, mtu, snd=31, rcv=31, wide=False, seqid_mode=0, seqid=b""):
    header = (20 if flags & CRYPTO else 0) + (8 if flags & FEC else 0)
    min_mtu = max(50, header + 24 + 1)
    wnd_flags = (3 if wide else 0) | (seqid_mode << 3)
    out = bytes([flags, ds - 1, ps - 1]) + u16(mtu - min_mtu) + bytes([wnd_flags, snd, rcv])
    if flags & FEC and seqid_mode:
        out += seqid
    return out


def peer_send(n):  # op 0, case 1: 1 + n % 4096 bytes
    return bytes([0x00, 0x01]) + u16(n - 1)


def deliver(count, drop=0, from_back=False):  # op 2
    how = (count - 1) | (8 if drop else 0) | (64 if from_back else 0)
    return bytes([0x02, how]) + (bytes([drop]) if drop else b"")


def deliver_corrupt(pos, xor):  # op 2: one datagram, corrupted
    return bytes([0x02, 16, 0, pos, xor])


DELIVER_ALL = bytes([0x0E])
RECV_EXACT = bytes([0x06, 0x00])
RECV_ROOMY = bytes([0x06, 0x03 | (20 << 2)])
RECV_SHORT = bytes([0x06, 0x01])


def tick_talk(ms):  # op 15: time passes, A flushes, A's output reaches B, B answers
    return bytes([0x0F, ms])


def inbound_seeds():
    # plain KCP, message mode: a few messages, all delivered, all read
    prog = inbound_config(0, 1, 1, 1400)
    for n in (10, 1500, 3000):
        prog += peer_send(n) + DELIVER_ALL + RECV_EXACT + tick_talk(20)
    write("fuzz_inbound", "plain_messages", prog)

    # kcptun-like: crypto header, FEC 10/3, stream mode, fast3; losses FEC has to repair
    prog = inbound_config(CRYPTO | FEC | STREAM | FAST3, 10, 3, 1350, 127, 127, wide=True)
    for _ in range(6):
        prog += peer_send(4000) + deliver(8, drop=0x24) + deliver(8, drop=0x81) + DELIVER_ALL
        prog += RECV_ROOMY + RECV_ROOMY + tick_talk(30)
    write("fuzz_inbound", "crypto_fec_10_3_losses", prog)

    # FEC 3/2 without crypto, seqid starting just before the wrap, reordering
    prog = inbound_config(FEC | ACK_NODELAY, 3, 2, 600, seqid_mode=1, seqid=bytes([1]))
    for _ in range(8):
        prog += peer_send(900) + deliver(4, from_back=True) + deliver(8, drop=0x02)
        prog += RECV_EXACT + tick_talk(15)
    write("fuzz_inbound", "fec_3_2_seqid_wrap", prog)

    # crypto without FEC: one datagram corrupted (the CRC must catch it), then the rest
    prog = inbound_config(CRYPTO, 1, 1, 1200)
    prog += peer_send(2000) + deliver_corrupt(100, 0x40) + DELIVER_ALL + RECV_SHORT + RECV_EXACT
    prog += tick_talk(200) + bytes([0x0D]) + DELIVER_ALL + RECV_EXACT
    write("fuzz_inbound", "crypto_corrupt", prog)

    # hostile FEC packets: a parity shard and a data shard next to the peer's seqids
    prog = inbound_config(CRYPTO | FEC, 4, 2, 800)
    prog += peer_send(700) + deliver(2)
    body = bytes(range(40))
    prog += bytes([0x05, 2 | 4 | 32]) + u16(20 + 6 + len(body)) + bytes(26) + body + bytes([0xFE])
    kcp = u32(0) + bytes([81, 0]) + u16(32) + u32(0) + u32(0) + u32(0) + u32(4) + b"evil"
    prog += bytes([0x05, 1 | 4 | 8 | 16 | 32]) + u16(20 + 8 + len(kcp)) + bytes(28) + kcp + bytes([3])
    prog += DELIVER_ALL + RECV_EXACT + bytes([0x0B, 3 | (1 << 5)]) + tick_talk(100)
    write("fuzz_inbound", "hostile_fec", prog)


# ---- fuzz_rs_decode --------------------------------------------------------------------------
def rs_decode_seed(ds, ps, length, path, layout, rounds, material):
    assert 1 <= ds <= 32 and ps < 16
    out = bytes([ds - 1, ps]) + u16(length - 1) + bytes([path, layout, len(rounds) - 1])
    nbytes = (ds + ps + 7) // 8
    for op, lost in rounds:
        bits = 0
        for i in lost:
            bits |= 1 << i
        out += bytes([op]) + bits.to_bytes(nbytes, "little")
    return out + material


def rs_decode_seeds():
    material = bytes((i * 37 + 11) & 0xFF for i in range(97))
    # kcp-go 10/3 and 1400-byte shards: data only and full, codeword and arbitrary bytes
    write("fuzz_rs_decode", "10_3_1400", rs_decode_seed(10, 3, 1400, 1, 5 | (1 << 6), [
        (0x03, [0, 4, 9]), (0x02, [11]), (0x0A | 0x40, [1, 10, 12]), (0x00, [2, 3, 5]),
        (0x13, [0, 1, 2, 3]),  # one more than ps lost: ETOOFEW
    ], material))
    write("fuzz_rs_decode", "1_1_short", rs_decode_seed(1, 1, 1, 0, 0, [
        (0x03, [0]), (0x22, [1]), (0x01, [])], material))
    write("fuzz_rs_decode", "20_10_unaligned", rs_decode_seed(20, 10, 333, 1, 63 | (3 << 6), [
        (0x07, list(range(0, 20, 2))), (0x0B, list(range(10, 20))), (0x01, [19, 29]),
    ], material))
    write("fuzz_rs_decode", "3_1_long", rs_decode_seed(3, 1, 9000, 1, 1, [
        (0x06, [2]), (0x02, [3])], material))


# ---- fuzz_rs ---------------------------------------------------------------------------------
def rs_seed(ds, ps, length, path, mode, lost, material):
    bits = 0
    for i in lost:
        bits |= 1 << i
    return bytes([ds - 1, ps]) + u16(length - 1) + bytes([path, mode]) + \
        bits.to_bytes((ds + ps + 7) // 8, "little") + material


def rs_seeds():
    material = bytes((i * 59 + 3) & 0xFF for i in range(61))
    write("fuzz_rs", "10_3_data_only", rs_seed(10, 3, 1400, 1, 1, [0, 5, 9], material))
    write("fuzz_rs", "10_3_full_ptrs", rs_seed(10, 3, 1400, 1, 2 | 4, [3, 11], material))
    write("fuzz_rs", "20_10_too_few", rs_seed(20, 10, 200, 1, 0, list(range(11)), material))
    write("fuzz_rs", "128_128", rs_seed(128, 128, 64, 1, 3, list(range(0, 256, 3)), material))


# ---- fuzz_arq_input --------------------------------------------------------------------------
def arq_seeds():
    # default conv and clock (near the wrap), fast3, mtu 1350, windows 128
    head = bytes([0x00, 0x10 | (3 << 5)]) + u16(1300) + bytes([127, 127])
    send = bytes([0x04, 0x01]) + u16(5000)       # A sends 5000 bytes
    loop = bytes([0x0C, 0x00, 20])               # A <-> B, nothing lost, 20 ms
    lossy = bytes([0x0C, 0x05, 30])              # A <-> B, records 0 and 2 lost
    peer = bytes([0x1C, 0x00, 0x01]) + u16(3000) + bytes([10])  # B sends too
    recv = bytes([0x06, 0x00])
    write("fuzz_arq_input", "loopback", head + send + loop + lossy + loop + peer + loop + recv)
    # a PUSH "hello kcp" datagram (docs/wire.md, "A KCP segment") with the conv patched in, then recv and flush
    dg = u32(0) + bytes([81, 0]) + u16(1024) + u32(4) + u32(0) + u32(0) + u32(9) + b"hello kcp"
    write("fuzz_arq_input", "hello", head + bytes([0x10]) + u16(len(dg)) + dg + recv +
          bytes([0x08, 10]))
    # the loopback with ACK clocking on at both ends (flags 0x30), B sending 64 segments a round
    bulk = bytes([0x1C, 0x00, 0xFE, 0x01, 10])
    write("fuzz_arq_input", "clocking", bytes([0x30]) + head[1:] + send + loop + bulk + loop + bulk +
          loop + recv)


# ---- fuzz_udp_send ---------------------------------------------------------------------------
def udp_seed(flags, lens, material):
    return bytes([flags, len(lens)]) + b"".join(u16(n) for n in lens) + material


def udp_seeds():
    material = bytes(range(251))
    # a window's flush: runs of full datagrams, a short tail, an ACK-sized one between
    write("fuzz_udp_send", "runs_gso", udp_seed(1, [1400] * 50 + [700, 1400, 1400, 80], material))
    # empty datagrams inside and after runs (they never join a run), without and with GSO
    write("fuzz_udp_send", "empties", udp_seed(1, [0, 0, 1400, 0, 1400, 1400, 0, 5], material))
    write("fuzz_udp_send", "plain", udp_seed(0, [1, 2999, 1500, 1500, 1500], material))
    # GSO sent, GRO received: runs arrive as coalesced messages to cut back
    write("fuzz_udp_send", "gso_gro", udp_seed(3, [1400] * 30 + [200] * 10 + [1, 1400], material))
    # one recv() per datagram
    write("fuzz_udp_send", "recv_each", udp_seed(5, [1400] * 5 + [0, 3], material))


# ---- fuzz_outbound ---------------------------------------------------------------------------
def outbound_seed(flags, ds, ps, max_len, wire, lens, reserve):
    head = bytes([flags, ds - 1 if ds else 0, ps - 1 if ps else 0]) + u16(max_len - 28) + u16(wire)
    body = b"".join(u32(n) + bytes(reserve) + bytes((i + k) & 0xFF for k in range(n - reserve))
                    for i, n in enumerate(lens))
    return head + bytes([len(lens)]) + body


def outbound_seeds():
    # a bulk flush through FEC 10/3 with a crypto header: full datagrams, a short tail
    write("fuzz_outbound", "fec_crypto", outbound_seed(3, 10, 3, 1500, 0, [1400] * 23 + [90], 28))
    # plain, two duplicates each
    write("fuzz_outbound", "plain_dup", outbound_seed(2 << 3, 0, 0, 1500, 0, [24, 1400, 300], 0))
    # a wire too small for the flush
    write("fuzz_outbound", "small_wire", outbound_seed(4 | 3, 2, 1, 1500, 2000, [1400] * 4, 28))


if __name__ == "__main__":
    inbound_seeds()
    rs_decode_seeds()
    rs_seeds()
    arq_seeds()
    udp_seeds()
    outbound_seeds()
