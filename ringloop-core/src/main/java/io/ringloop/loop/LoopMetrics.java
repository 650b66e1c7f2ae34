package io.ringloop.loop;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of what one event loop has done since it started, or the sum over several loops
 * ({@link #sum}). Counters only grow; the gauges in {@link Queues} and {@link Timers#pending()} are the loop's
 * state at the start of its last turn. Taking one costs a few dozen loads and allocates the snapshot; the
 * counting behind it is always on and costs the loop no atomic operation and no allocation.
 *
 * <p>Each value is one the loop wrote recently; values are not taken at one instant, so while the loop works a
 * snapshot may show, for instance, an operation completed whose submission it does not show yet. Compare two
 * snapshots for rates ({@code ringloop echo --stats 1s} does).
 *
 * @param loop the loop's name ({@code "total"} for a sum)
 * @param backend {@code "io_uring"}, {@code "epoll"} or {@code "nio"} (several, comma-separated, in a sum of loops
 *        that differ)
 * @param backendReason why the backend was chosen, e.g. {@code "AUTO: io_uring usable"}
 * @param turns loop turns
 * @param tasks tasks spawned, finished, failed; resumptions and budget yields
 * @param operations asynchronous I/O operations by kind
 * @param kernelWaits calls into the kernel's wait: io_uring_enter (all of them), epoll_wait or select
 * @param wakes wake-ups other threads asked for, and those that cost a system call (eventfd write, selector wakeup)
 * @param queues the run queue and inbox
 * @param timers timers armed, fired, cancelled and pending
 * @param time time since start, busy and asleep in the kernel's wait
 */
public record LoopMetrics(String loop, String backend, String backendReason, long turns, Tasks tasks,
                          Operations operations, long kernelWaits, Wakes wakes, Queues queues, Timers timers,
                          Time time) {

    public LoopMetrics {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(backendReason, "backendReason");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(operations, "operations");
        Objects.requireNonNull(wakes, "wakes");
        Objects.requireNonNull(queues, "queues");
        Objects.requireNonNull(timers, "timers");
        Objects.requireNonNull(time, "time");
    }

    /** System calls the loop made to wait and to be woken: {@link #kernelWaits} plus {@link Wakes#syscalls}. */
    public long syscalls() {
        return kernelWaits + wakes.syscalls();
    }

    /**
     * Tasks on the loop.
     *
     * @param spawned tasks started on the loop
     * @param finished tasks that ended, any way
     * @param failed tasks that ended with an exception other than a cancellation (part of {@code finished})
     * @param resumptions task continuations scheduled from the loop's own thread (a local wake or start);
     *        those from other threads arrive as {@link Wakes#requested}
     * @param budgetYields times a task yielded because its budget of immediate completions ran out
     */
    public record Tasks(long spawned, long finished, long failed, long resumptions, long budgetYields) {
        /** Tasks started and not yet ended. */
        public long live() {
            return spawned - finished;
        }

        Tasks plus(Tasks o) {
            return new Tasks(spawned + o.spawned, finished + o.finished, failed + o.failed,
                    resumptions + o.resumptions, budgetYields + o.budgetYields);
        }
    }

    /**
     * Operations of one kind each: reads (also scatter reads and datagram receives), writes (also gather writes
     * and datagram sends), accepts, connects, and the rest (file operations, waits for foreign fds).
     */
    public record OpCounts(long reads, long writes, long accepts, long connects, long other) {
        public long total() {
            return reads + writes + accepts + connects + other;
        }

        OpCounts plus(OpCounts o) {
            return new OpCounts(reads + o.reads, writes + o.writes, accepts + o.accepts, connects + o.connects,
                    other + o.other);
        }
    }

    /**
     * The loop's asynchronous operations. Each one started is submitted once and completed once, whether its
     * result came at once or later, and whatever it was (errors and cancellations included); so
     * {@link #inFlight()} is what waits now. {@code cancelled} counts the completed that ended cancelled
     * (-ECANCELED): by an interrupt, a timeout, or the close of their socket or loop; one whose real result
     * raced the cancel is not. An operation refused because its socket is closed, or with a bad argument,
     * counts nothing.
     */
    public record Operations(OpCounts submitted, OpCounts completed, OpCounts cancelled) {
        /** Submitted and not completed: operations waiting now (approximately, while the loop works). */
        public long inFlight() {
            return submitted.total() - completed.total();
        }

        Operations plus(Operations o) {
            return new Operations(submitted.plus(o.submitted), completed.plus(o.completed),
                    cancelled.plus(o.cancelled));
        }
    }

    /**
     * Wake-ups: {@code requested} counts runnables other threads queued (a remote wake of a task, an
     * {@code execute} from outside), each of which asks the loop to wake; {@code syscalls} those that found it
     * asleep and cost an eventfd write (or selector wakeup). A loop that is running coalesces the rest for free.
     */
    public record Wakes(long requested, long syscalls) {
        Wakes plus(Wakes o) {
            return new Wakes(requested + o.requested, syscalls + o.syscalls);
        }
    }

    /**
     * Queue depths, sampled once per turn.
     *
     * @param runQueue runnables queued on the loop at the start of its last turn
     * @param maxRunQueue the longest run queue seen
     * @param inbox submissions from other threads the last turn took
     * @param maxInbox the most one turn took
     */
    public record Queues(long runQueue, long maxRunQueue, long inbox, long maxInbox) {
        Queues plus(Queues o) {
            return new Queues(runQueue + o.runQueue, Math.max(maxRunQueue, o.maxRunQueue), inbox + o.inbox,
                    Math.max(maxInbox, o.maxInbox));
        }
    }

    /** Timers: armed, fired, cancelled before firing, and pending at the start of the last turn. */
    public record Timers(long armed, long fired, long cancelled, long pending) {
        Timers plus(Timers o) {
            return new Timers(armed + o.armed, fired + o.fired, cancelled + o.cancelled, pending + o.pending);
        }
    }

    /**
     * Where the loop's time went: {@code asleepNs} blocked in the kernel's wait (measured around the wait system
     * call; on NIO, until the first ready key), {@code busyNs} the rest of {@code uptimeNs}. In a sum, each is
     * the sum over the loops.
     */
    public record Time(long uptimeNs, long busyNs, long asleepNs) {
        /** Busy time over uptime, 0..1 (0 before any time has passed). */
        public double busyFraction() {
            return uptimeNs <= 0 ? 0 : (double) busyNs / uptimeNs;
        }

        Time plus(Time o) {
            return new Time(uptimeNs + o.uptimeNs, busyNs + o.busyNs, asleepNs + o.asleepNs);
        }
    }

    /** The sum of {@code loops} under the name {@code "total"}: counters and gauges added, maxima the largest. */
    public static LoopMetrics sum(List<LoopMetrics> loops) {
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("sum: no loops");
        }
        LoopMetrics first = loops.get(0);
        Tasks tasks = first.tasks;
        Operations operations = first.operations;
        long turns = first.turns;
        long kernelWaits = first.kernelWaits;
        Wakes wakes = first.wakes;
        Queues queues = first.queues;
        Timers timers = first.timers;
        Time time = first.time;
        String backend = first.backend;
        for (LoopMetrics m : loops.subList(1, loops.size())) {
            tasks = tasks.plus(m.tasks);
            operations = operations.plus(m.operations);
            turns += m.turns;
            kernelWaits += m.kernelWaits;
            wakes = wakes.plus(m.wakes);
            queues = queues.plus(m.queues);
            timers = timers.plus(m.timers);
            time = time.plus(m.time);
            if (!List.of(backend.split(",")).contains(m.backend)) {
                backend = backend + "," + m.backend;
            }
        }
        return new LoopMetrics("total", backend, first.backendReason, turns, tasks, operations, kernelWaits, wakes,
                queues, timers, time);
    }
}
