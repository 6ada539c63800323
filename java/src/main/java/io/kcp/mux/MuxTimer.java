package io.kcp.mux;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for every session's keepalive: sending a NOP and checking that frames
 * arrive. Its tasks only set flags and wake threads, never wait. The thread ends a second after
 * the last task is cancelled.
 */
final class MuxTimer {

    private static final ScheduledThreadPoolExecutor TIMER = create();

    private MuxTimer() {
    }

    static ScheduledFuture<?> every(long periodNanos, Runnable task) {
        return TIMER.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "kcp-mux-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setKeepAliveTime(1, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        return t;
    }
}
