package dev.smok.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's own fork-join pool: {@code threads - 1} daemon workers plus the calling
 * thread. {@link #run} offers a {@link Task}'s parts to the workers and claims parts itself; each
 * part is claimed by exactly one thread through a shared counter, so a task may have more parts
 * than threads and the faster threads take more of them.
 *
 * <p>Made for a loaded machine, where a woken worker may not get a core for a scheduler quantum:
 * the caller never waits for a worker that has not started. Each worker has a state, IDLE, POSTED
 * or RUNNING. The caller publishes the task in plain fields, sets the workers POSTED (a volatile
 * write, so the task is visible) and unparks those asleep, then claims parts until none is left.
 * A worker that wakes moves POSTED to RUNNING and claims parts too. When the parts are gone the
 * caller takes back (POSTED to IDLE) every offer not yet taken and waits only for RUNNING workers,
 * which finish the part they hold. A worker spins ({@link Thread#onSpinWait}) for about
 * {@link #SPIN_NANOS} after its last task, and after every wake-up, before it parks, so
 * back-to-back kernels of one step find it awake. Steady-state runs allocate nothing on any thread.
 */
public final class WorkerPool implements AutoCloseable {
    /** A unit of parallel work, split into {@code parts} parts by the task itself. */
    public interface Task {
        /**
         * Runs part {@code part} of {@code parts} (0-based); must not throw. Parts may run
         * concurrently on different threads, each exactly once.
         */
        void run(int part, int parts);
    }

    static final long SPIN_NANOS = 200_000;
    private static final int IDLE = 0, POSTED = 1, RUNNING = 2;

    private final Worker[] workers;
    private final AtomicInteger next = new AtomicInteger();
    private Task task;
    private int parts;
    private volatile Throwable failure;
    /** Offers made to workers, and those the caller took back unstarted; written by the calling thread only. */
    private long offers, withdrawn;

    /** A pool that runs tasks on {@code threads} threads in total (the caller included). */
    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** Threads that run parts of a task, the caller included. */
    public int threads() { return workers.length + 1; }

    /**
     * {offers made to workers, offers the caller took back because no worker had started on them}
     * since the pool was made: a worker that misses most offers is not on a core when work comes
     * (read it on the calling thread).
     */
    public long[] offerCounts() { return new long[] {offers, withdrawn}; }

    /** Thread ids of the worker threads (for allocation accounting in tests and benchmarks). */
    public long[] workerThreadIds() {
        long[] ids = new long[workers.length];
        for (int i = 0; i < ids.length; i++) ids[i] = workers[i].threadId();
        return ids;
    }

    /**
     * Runs parts {@code 0..parts-1} of {@code task} (any number of parts) and returns when all are
     * done. One run at a time: not to be called from inside a task.
     */
    public void run(Task task, int parts) {
        if (parts <= 1 || workers.length == 0) {
            for (int p = 0; p < Math.max(parts, 1); p++) task.run(p, Math.max(parts, 1));
            return;
        }
        this.task = task;
        this.parts = parts;
        next.set(0);
        int offered = Math.min(parts - 1, workers.length);
        for (int w = 0; w < offered; w++) workers[w].offer();
        try {
            claimParts(task, parts);
        } finally {
            for (int w = 0; w < offered; w++) {
                if (workers[w].takeBackOrAwait()) withdrawn++;
            }
            offers += offered;
            this.task = null;
        }
        Throwable t = failure;
        if (t != null) {
            failure = null;
            throw new IllegalStateException("a cpu worker thread failed", t);
        }
    }

    private void claimParts(Task t, int n) {
        for (int p = next.getAndIncrement(); p < n; p = next.getAndIncrement()) t.run(p, n);
    }

    @Override public void close() {
        for (Worker w : workers) w.shutdown();
    }

    private final class Worker extends Thread {
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile boolean sleeping;
        private volatile boolean stopped;

        Worker(int index) {
            super("smok-cpu-worker-" + index);
            setDaemon(true);
        }

        void offer() {
            state.set(POSTED);
            if (sleeping) LockSupport.unpark(this);
        }

        /** Withdraws the offer if this worker has not taken it (returns true), else waits until it is done. */
        boolean takeBackOrAwait() {
            if (state.compareAndSet(POSTED, IDLE)) return true;
            while (state.get() != IDLE) Thread.onSpinWait();
            return false;
        }

        void shutdown() {
            stopped = true;
            LockSupport.unpark(this);
        }

        @Override public void run() {
            while (!stopped) {
                long spinStart = System.nanoTime();
                while (state.get() != POSTED && !stopped) {
                    if (System.nanoTime() - spinStart < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        sleeping = true;
                        if (state.get() != POSTED && !stopped) LockSupport.park(this);
                        sleeping = false;
                        // Spin again after every wake-up: a worker woken for an offer that the caller
                        // took back before it got a core would otherwise park at once, miss the next
                        // offer the same way, and never spin again (batch-1 MLP inference then ran at
                        // one thread's speed for the whole JVM; bench/run-goals.sh prints the share
                        // of offers the worker takes).
                        spinStart = System.nanoTime();
                    }
                }
                if (stopped) return;
                if (!state.compareAndSet(POSTED, RUNNING)) continue; // the caller took the offer back
                try {
                    claimParts(task, parts);
                } catch (Throwable t) {
                    failure = t;
                }
                state.set(IDLE);
            }
        }
    }
}
