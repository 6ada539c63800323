package io.kcp.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RoundTripTest {

    private static final int MAX = 3000;
    private static final int GUARD = 13;

    /** Every length up to 600 (all partial-block shapes), then a spread up to 3000. */
    private static int[] lengths(CipherKind kind) {
        return IntStream.concat(IntStream.rangeClosed(0, 600), IntStream.of(
                        1023, 1024, 1025, 1399, 1400, 1401, 1499, 1500, 1501, 2047, 2048, 2049, 2999, MAX))
                .filter(n -> n >= AllCiphers.minLength(kind)).toArray();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @EnumSource(CipherKind.class)
    void roundTripsInPlaceAtAnOffsetWithoutTouchingNeighbours(CipherKind kind) {
        PacketCipher c = AllCiphers.create(kind);
        byte[] plain = random(MAX, 42);
        for (int len : lengths(kind)) {
            byte[] buf = random(len + 2 * GUARD, len);
            System.arraycopy(plain, 0, buf, GUARD, len);
            byte[] before = buf.clone();

            c.encrypt(buf, GUARD, len);
            assertArrayEquals(Arrays.copyOf(before, GUARD), Arrays.copyOf(buf, GUARD), "head guard");
            assertArrayEquals(Arrays.copyOfRange(before, GUARD + len, buf.length),
                    Arrays.copyOfRange(buf, GUARD + len, buf.length), "tail guard");
            if (kind != CipherKind.NONE && kind != CipherKind.NULL && len >= 24) {
                assertFalse(Arrays.equals(before, buf), kind + " left " + len + " bytes unchanged");
            }
            c.decrypt(buf, GUARD, len);
            assertArrayEquals(before, buf, kind + " at length " + len);
        }
    }

    @ParameterizedTest
    @EnumSource(CipherKind.class)
    void everyLengthIsThePrefixOfTheLongestAndMatchesAReference(CipherKind kind) throws Exception {
        byte[] key = AllCiphers.key(kind);
        PacketCipher c = kind.create(key);
        byte[] plain = random(MAX, 7);
        byte[] full = plain.clone();
        c.encrypt(full, 0, MAX);
        if (ReferenceCiphers.has(kind)) {
            assertArrayEquals(ReferenceCiphers.encrypt(kind, key, plain), full);
        }
        for (int len : lengths(kind)) {
            byte[] buf = Arrays.copyOf(plain, len);
            c.encrypt(buf, 0, len);
            assertArrayEquals(Arrays.copyOf(full, len), buf, kind + " at length " + len);
        }
    }

    @ParameterizedTest
    @EnumSource(CipherKind.class)
    void decryptionOfOneInstanceUndoesEncryptionOfAnother(CipherKind kind) {
        byte[] key = AllCiphers.key(kind);
        PacketCipher sender = kind.create(key);
        PacketCipher receiver = kind.create(key);
        Random r = new Random(kind.ordinal());
        for (int i = 0; i < 200; i++) {
            int len = AllCiphers.minLength(kind) + r.nextInt(1500);
            byte[] plain = random(len, i);
            byte[] buf = plain.clone();
            sender.encrypt(buf, 0, len);
            receiver.decrypt(buf, 0, len);
            assertArrayEquals(plain, buf);
        }
    }

    @ParameterizedTest
    @EnumSource(CipherKind.class)
    void byteBuffersOfEveryKindAgreeWithArrays(CipherKind kind) {
        PacketCipher c = AllCiphers.create(kind);
        byte[] plain = random(1400, 3);
        byte[] expected = plain.clone();
        c.encrypt(expected, 0, expected.length);

        ByteBuffer heap = ByteBuffer.allocate(1400 + 2 * GUARD);
        ByteBuffer direct = ByteBuffer.allocateDirect(1400 + 2 * GUARD);
        for (ByteBuffer whole : new ByteBuffer[] {heap, direct}) {
            whole.position(GUARD).put(plain).position(0);
            // A slice has a non-zero array offset for heap buffers.
            ByteBuffer view = whole.slice(GUARD - 5, 1400 + 10).position(5).limit(5 + 1400);
            c.encrypt(view);
            assertEquals(5, view.position());
            assertEquals(1405, view.limit());
            byte[] got = new byte[1400];
            whole.get(GUARD, got);
            assertArrayEquals(expected, got, whole.isDirect() ? "direct" : "heap");
            c.decrypt(view);
            whole.get(GUARD, got);
            assertArrayEquals(plain, got);
            assertEquals(0, whole.get(GUARD - 1));
            assertEquals(0, whole.get(GUARD + 1400));
        }
        assertThrows(ReadOnlyBufferException.class, () -> c.encrypt(heap.asReadOnlyBuffer()));
        assertThrows(ReadOnlyBufferException.class, () -> c.decrypt(direct.asReadOnlyBuffer()));
    }

    @ParameterizedTest
    @EnumSource(CipherKind.class)
    void rejectsRangesOutsideTheArray(CipherKind kind) {
        PacketCipher c = AllCiphers.create(kind);
        byte[] buf = new byte[100];
        assertThrows(IndexOutOfBoundsException.class, () -> c.encrypt(buf, 90, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> c.decrypt(buf, -1, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> c.decrypt(buf, 0, -1));
    }

    @org.junit.jupiter.api.Test
    void xorLeavesBytesBeyondItsTableAsKcpGoDoes() {
        PacketCipher c = AllCiphers.create(CipherKind.XOR);
        byte[] buf = new byte[1600];
        c.encrypt(buf, 0, buf.length);
        assertFalse(Arrays.equals(new byte[1500], Arrays.copyOf(buf, 1500)));
        assertArrayEquals(new byte[100], Arrays.copyOfRange(buf, 1500, 1600));
    }

    @org.junit.jupiter.api.Test
    void salsa20LeavesItsNonceInClearAndRejectsShorterDatagrams() {
        PacketCipher c = AllCiphers.create(CipherKind.SALSA20);
        byte[] buf = random(64, 9);
        byte[] before = buf.clone();
        c.encrypt(buf, 0, buf.length);
        assertArrayEquals(Arrays.copyOf(before, 8), Arrays.copyOf(buf, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.decrypt(new byte[7], 0, 7));
        assertEquals("salsa20 needs a datagram of at least 8 bytes (its nonce), got 7", e.getMessage());
    }
}
