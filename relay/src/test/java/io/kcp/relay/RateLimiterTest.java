package io.kcp.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel-independent")
class RateLimiterTest {
    private static final long MS = 1_000_000;
    /** Rounding of bytes/s to bytes/ns may put a departure a few nanoseconds late. */
    private static final long SLACK = 100;

    @Test
    void aBurstDrainsAtTheRateAndTheQueueLimitTailDrops() {
        // 100 kB/s: a 1000-byte datagram takes 10 ms. Bucket 1000 B, queue 5000 B.
        RateLimiter r = new RateLimiter(100_000, 1000, 5000);
        long t0 = -123 * MS; // nanoTime values may be negative
        assertTrue(r.admit(t0, 1000));
        assertEquals(t0, r.lastDeparture(), "a full bucket lets the first one through at once");
        for (int i = 1; i <= 5; i++) {
            assertTrue(r.admit(t0, 1000), "queued #" + i);
            assertNear(t0 + i * 10 * MS, r.lastDeparture());
        }
        assertEquals(5000, r.backlogBytes());
        assertFalse(r.admit(t0, 1000), "queue full");
        assertFalse(r.admit(t0 + 5 * MS, 1), "still full: nothing has left yet");
        // At +10 ms the first queued one has left: room for one more, behind the last.
        assertTrue(r.admit(t0 + 10 * MS + SLACK, 1000));
        assertNear(t0 + 60 * MS, r.lastDeparture());
        assertFalse(r.admit(t0 + 10 * MS + SLACK, 1000));
    }

    @Test
    void anIdleLinkRefillsTheBucketUpToItsSize() {
        RateLimiter r = new RateLimiter(1_000_000, 3000, 100_000); // 1 MB/s: 1 byte per µs
        long t = 0;
        for (int i = 0; i < 3; i++) {
            assertTrue(r.admit(t, 1000));
            assertEquals(t, r.lastDeparture(), "bucket of 3000 B passes three at once");
        }
        assertTrue(r.admit(t, 1000));
        assertNear(t + 1000_000, r.lastDeparture()); // waits 1 ms for 1000 tokens
        // After a long idle time the bucket holds 3000 B again, not more.
        t += 1000 * MS;
        for (int i = 0; i < 3; i++) {
            assertTrue(r.admit(t, 1000));
            assertEquals(t, r.lastDeparture());
        }
        assertTrue(r.admit(t, 1000));
        assertNear(t + 1000_000, r.lastDeparture());
    }

    @Test
    void aSteadyOverloadDepartsAtExactlyTheRate() {
        RateLimiter r = new RateLimiter(1_000_000, 1000, 1 << 30);
        long previous = 0;
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            assertTrue(r.admit(i * 500L, 1000)); // offered 2 MB/s, twice the rate
            if (i > 1) {
                assertNear(previous + 1000_000, r.lastDeparture());
            }
            previous = r.lastDeparture();
        }
        assertNear((n - 1) * 1000_000L, previous);
    }

    @Test
    void aDatagramLargerThanTheBucketStillPasses() {
        RateLimiter r = new RateLimiter(1_000_000, 100, 100_000);
        assertTrue(r.admit(0, 1100));
        assertNear(1000_000, r.lastDeparture()); // 100 tokens at hand, 1000 to wait for
    }

    private static void assertNear(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= SLACK, "expected " + expected + " ± " + SLACK + ", was " + actual);
    }
}
