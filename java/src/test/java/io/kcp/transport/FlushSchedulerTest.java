package io.kcp.transport;

import static org.junit.jupiter.api.Assertions.assertSame;
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
            s.schedule(task(now -> {
                ran.add(i);
                done.countDown();
                return Timed.DONE;
            }), base + i * 1_000_000L);
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
        s.schedule(task(now -> {
            int n = runs.getAndIncrement();
            times[n] = now;
            if (n == 4) {
                done.countDown();
                return Timed.DONE;
            }
            return now + 20_000_000L;
        }), System.nanoTime());
        assertTrue(done.await(5, TimeUnit.SECONDS));
        for (int i = 1; i < 5; i++) {
            assertTrue(times[i] - times[i - 1] >= 20_000_000L, "ran early: " + (times[i] - times[i - 1]));
        }
    }

    @Test
    void anEarlierTaskWakesTheSleepingThread() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-wake");
        s.schedule(task(now -> Timed.DONE), System.nanoTime() + 10_000_000_000L);
        CountDownLatch ran = new CountDownLatch(1);
        long t0 = System.nanoTime();
        s.schedule(task(now -> {
            ran.countDown();
            return Timed.DONE;
        }), t0 + 10_000_000L);
        assertTrue(ran.await(2, TimeUnit.SECONDS), "the sleeping thread missed the earlier task");
    }

    @Test
    void cancelledTasksNeverRunAndTheThreadEndsWhenNothingIsLeft() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-cancel");
        AtomicInteger runs = new AtomicInteger();
        Timed t = task(now -> {
            runs.incrementAndGet();
            return Timed.DONE;
        });
        s.schedule(t, System.nanoTime() + 200_000_000L);
        assertTrue(s.isRunning());
        s.cancel(t);
        long end = System.nanoTime() + FlushScheduler.LINGER_NANOS + 2_000_000_000L;
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
        s.schedule(task(now -> {
            ran.countDown();
            return ran.getCount() == 0 ? Timed.DONE : now + 10_000_000L;
        }), System.nanoTime() + 5_000_000L);
        assertTrue(ran.await(2, TimeUnit.SECONDS), "the other task stopped running");
        assertTrue(told.get() instanceof OutOfMemoryError, String.valueOf(told.get()));
        assertEquals(1, runsOfTheFailed.get(), "a failed task must not run again");
    }

    @Test
    void schedulingAQueuedTaskEarlierMovesItAndLaterLeavesIt() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-advance");
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        Timed t = task(now -> {
            runs.incrementAndGet();
            ran.countDown();
            return Timed.DONE;
        });
        long t0 = System.nanoTime();
        s.schedule(t, t0 + 10_000_000_000L); // parked far away
        s.schedule(t, t0 + 20_000_000_000L); // later: no change
        assertEquals(1, s.pending());
        s.schedule(t, t0 + 20_000_000L);     // woken: earlier
        assertEquals(1, s.pending(), "one task is queued once");
        assertTrue(ran.await(2, TimeUnit.SECONDS), "the advanced task did not run");
        Thread.sleep(100);
        assertEquals(1, runs.get());
        assertEquals(0, s.pending());
    }

    @Test
    void randomAdvancesAndCancelsKeepTheHeapInOrder() throws Exception {
        // Every task starts far away; some are advanced (perhaps twice), some cancelled. The
        // rest must run once each, in the order of the earliest time each was given.
        FlushScheduler s = new FlushScheduler("test-flush-random");
        java.util.Random rnd = new java.util.Random(11);
        int n = 400;
        long base = System.nanoTime() + 300_000_000L;
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        Timed[] tasks = new Timed[n];
        long[] due = new long[n];
        boolean[] cancelled = new boolean[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            tasks[i] = task(now -> {
                ran.add(id);
                return Timed.DONE;
            });
            due[i] = base + 60_000_000_000L + i;
            s.schedule(tasks[i], due[i]);
        }
        int expected = n;
        for (int step = 0; step < 3 * n; step++) {
            int i = rnd.nextInt(n);
            if (cancelled[i]) continue;
            if (rnd.nextInt(5) == 0) {
                s.cancel(tasks[i]);
                cancelled[i] = true;
                expected--;
            } else {
                long t = base + rnd.nextInt(400) * 1_000_000L + i;
                s.schedule(tasks[i], t);
                due[i] = Math.min(due[i], t);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) if (!cancelled[i] && due[i] < base + 1_000_000_000L) order.add(i);
        order.sort((a, b) -> Long.compare(due[a], due[b]));
        long end = System.nanoTime() + 5_000_000_000L;
        while (ran.size() < order.size() && System.nanoTime() < end) Thread.sleep(10);
        assertEquals(order, new ArrayList<>(ran));
        assertEquals(expected - order.size(), s.pending(), "the never-advanced tasks wait");
    }

    @Test
    void aTaskCancelledWhileItRunsIsNotQueuedAgain() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-cancel-running");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Timed t = task(now -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return now + 60_000_000_000L; // a session parked until a distant timeout
        });
        s.schedule(t, System.nanoTime());
        assertTrue(running.await(2, TimeUnit.SECONDS));
        s.cancel(t);
        release.countDown();
        long end = System.nanoTime() + FlushScheduler.LINGER_NANOS + 2_000_000_000L;
        while (s.isRunning() && System.nanoTime() < end) Thread.sleep(5);
        assertFalse(s.isRunning(), "the cancelled task was queued again");
        assertEquals(0, s.pending());
    }

    @Test
    void newSessionsAreDealtOutOverEveryShard() {
        int n = FlushScheduler.shards();
        assertTrue(n >= 1 && n <= Math.max(1, Runtime.getRuntime().availableProcessors()), "shards: " + n);
        java.util.Set<FlushScheduler> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < n; i++) seen.add(FlushScheduler.forNewSession());
        assertEquals(n, seen.size(), "n sessions in a row land on n different schedulers");
    }

    private static Timed task(java.util.function.LongUnaryOperator run) {
        return new Timed() {
            @Override
            public long runAt(long nowNanos) {
                return run.applyAsLong(nowNanos);
            }
        };
    }

    @Test
    void aTaskThatComesWhileTheThreadLingersRunsOnTheSameThread() throws Exception {
        FlushScheduler s = new FlushScheduler("test-flush-linger");
        AtomicReference<Thread> first = new AtomicReference<>();
        AtomicReference<Thread> second = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        CountDownLatch ranAgain = new CountDownLatch(1);
        s.schedule(task(now -> {
            first.set(Thread.currentThread());
            ran.countDown();
            return Timed.DONE;
        }), System.nanoTime());
        assertTrue(ran.await(2, TimeUnit.SECONDS));
        Thread.sleep(50); // no task left: the thread lingers
        assertTrue(s.isRunning());
        s.schedule(task(now -> {
            second.set(Thread.currentThread());
            ranAgain.countDown();
            return Timed.DONE;
        }), System.nanoTime());
        assertTrue(ranAgain.await(2, TimeUnit.SECONDS));
        assertSame(first.get(), second.get(), "a burst after a pause started a new thread");
    }
}
