package dev.smok.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's own fork-join pool: {@code threads - 1} daemon workers plus the calling
 * thread. {@link #run} hands part {@code p} of a {@link Task} to worker {@code p - 1}, runs part 0
 * itself, then waits for the workers.
 *
 * <p>Hand-off without allocation or locks: each worker owns a volatile sequence number. The caller
 * publishes the task in a plain field, then bumps the sequence (a volatile write, so the task is
 * visible), and unparks the worker if it went to sleep. A worker spins ({@link Thread#onSpinWait})
 * for about {@link #SPIN_NANOS} after its last task before it parks, so back-to-back kernels of one
 * step find it awake. Completion is a shared countdown the caller spins on. Steady-state runs
 * allocate nothing on any thread.
 */
public final class WorkerPool implements AutoCloseable {
    /** A unit of parallel work, split into {@code parts} parts by the task itself. */
    public interface Task {
        /** Runs part {@code part} of {@code parts} (0-based); must not throw. */
        void run(int part, int parts);
    }

    static final long SPIN_NANOS = 200_000;

    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;

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

    /** Thread ids of the worker threads (for allocation accounting in tests and benchmarks). */
    public long[] workerThreadIds() {
        long[] ids = new long[workers.length];
        for (int i = 0; i < ids.length; i++) ids[i] = workers[i].threadId();
        return ids;
    }

    /** Runs {@code task} split into {@code parts <= threads()} parts and returns when all are done. */
    public void run(Task task, int parts) {
        if (parts <= 1 || workers.length == 0) {
            task.run(0, 1);
            return;
        }
        parts = Math.min(parts, threads());
        pending.set(parts - 1);
        for (int p = 1; p < parts; p++) workers[p - 1].post(task, parts);
        task.run(0, parts);
        while (pending.get() != 0) Thread.onSpinWait();
        Throwable t = failure;
        if (t != null) {
            failure = null;
            throw new IllegalStateException("a cpu worker thread failed", t);
        }
    }

    @Override public void close() {
        for (Worker w : workers) w.shutdown();
    }

    private final class Worker extends Thread {
        private final int part;
        private Task task;
        private int parts;
        private volatile int posted;
        private volatile boolean sleeping;
        private volatile boolean stopped;

        Worker(int part) {
            super("smok-cpu-worker-" + part);
            this.part = part;
            setDaemon(true);
        }

        void post(Task t, int n) {
            task = t;
            parts = n;
            posted = posted + 1;
            if (sleeping) LockSupport.unpark(this);
        }

        void shutdown() {
            stopped = true;
            LockSupport.unpark(this);
        }

        @Override public void run() {
            int seen = 0;
            while (!stopped) {
                long spinStart = System.nanoTime();
                while (posted == seen && !stopped) {
                    if (System.nanoTime() - spinStart < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        sleeping = true;
                        if (posted == seen && !stopped) LockSupport.park(this);
                        sleeping = false;
                    }
                }
                if (stopped) return;
                seen = posted;
                try {
                    task.run(part, parts);
                } catch (Throwable t) {
                    failure = t;
                }
                pending.decrementAndGet();
            }
        }
    }
}
