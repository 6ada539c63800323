package io.kcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("kernel-independent")
@Timeout(30)
class FlushSchedulerTest {

    @Test
    void runsTasksInDeadlineOrderWhateverTheInsertionOrder() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-order");
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(50);
        long base = System.nanoTime() + 50_000_000L;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 50; i++) order.add(i);
        Collections.shuffle(order, new java.util.Random(3));
        for (int i : order) {
            s.schedule(now -> {
                ran.add(i);
                done.countDown();
                return Timed.DONE;
            }, base + i * 1_000_000L);
        }
        assertTrue(done.await(5, TimeUnit.SECONDS));
        List<Integer> expected = new ArrayList<>(order);
        Collections.sort(expected);
        assertEquals(expected, ran);
    }

    @Test
    void aTaskRunsAgainAtTheTimeItReturnsAndNotBefore() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-repeat");
        AtomicInteger runs = new AtomicInteger();
        long[] times = new long[5];
        CountDownLatch done = new CountDownLatch(1);
        s.schedule(now -> {
            int n = runs.getAndIncrement();
            times[n] = now;
            if (n == 4) {
                done.countDown();
                return Timed.DONE;
            }
            return now + 20_000_000L;
        }, System.nanoTime());
        assertTrue(done.await(5, TimeUnit.SECONDS));
        for (int i = 1; i < 5; i++) {
            assertTrue(times[i] - times[i - 1] >= 20_000_000L, "ran early: " + (times[i] - times[i - 1]));
        }
    }

    @Test
    void anEarlierTaskWakesTheSleepingThread() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-wake");
        s.schedule(now -> Timed.DONE, System.nanoTime() + 10_000_000_000L);
        CountDownLatch ran = new CountDownLatch(1);
        long t0 = System.nanoTime();
        s.schedule(now -> {
            ran.countDown();
            return Timed.DONE;
        }, t0 + 10_000_000L);
        assertTrue(ran.await(2, TimeUnit.SECONDS), "the sleeping thread missed the earlier task");
    }

    @Test
    void cancelledTasksNeverRunAndTheThreadEndsWhenNothingIsLeft() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-cancel");
        AtomicInteger runs = new AtomicInteger();
        Timed t = now -> {
            runs.incrementAndGet();
            return Timed.DONE;
        };
        s.schedule(t, System.nanoTime() + 200_000_000L);
        assertTrue(s.isRunning());
        s.cancel(t);
        long end = System.nanoTime() + 2_000_000_000L;
        while (s.isRunning() && System.nanoTime() < end) Thread.sleep(5);
        assertFalse(s.isRunning());
        assertEquals(0, s.pending());
        Thread.sleep(300);
        assertEquals(0, runs.get());
    }

    @Test
    void aThrowingTaskIsToldWhyAndDroppedAndTheOthersKeepTheirTimes() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-throw");
        CountDownLatch ran = new CountDownLatch(3);
        AtomicReference<Throwable> told = new AtomicReference<>();
        AtomicInteger runsOfTheFailed = new AtomicInteger();
        s.schedule(new Timed() {
            @Override
            public long runAt(long now) {
                runsOfTheFailed.incrementAndGet();
                throw new OutOfMemoryError("injected");
            }

            @Override
            public void failed(Throwable cause) {
                told.set(cause);
            }
        }, System.nanoTime());
        s.schedule(now -> {
            ran.countDown();
            return ran.getCount() == 0 ? Timed.DONE : now + 10_000_000L;
        }, System.nanoTime() + 5_000_000L);
        assertTrue(ran.await(2, TimeUnit.SECONDS), "the other task stopped running");
        assertTrue(told.get() instanceof OutOfMemoryError, String.valueOf(told.get()));
        assertEquals(1, runsOfTheFailed.get(), "a failed task must not run again");
    }
}
