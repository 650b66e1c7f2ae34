/**
 * The event loop: one platform thread that owns a driver, a local run queue, an MPSC inbox and timers.
 *
 * <p>Invariants: only the loop's OS thread touches the driver, the run queue and the timers (code running
 * there includes virtual threads the loop carries); other threads post through
 * {@link io.ringloop.loop.EventLoop#execute}. The wake state machine (RUNNING, RUN_AGAIN, SLEEPING,
 * WAKING, after OpenVMM's pal_async) makes a wake while running cost one CAS and a sleeping loop exactly one
 * eventfd write. A loop turn polls the driver once. Shutdown has phases: stop accepting, drain, cancel,
 * close every handle; {@code LoopShutdown} keeps the first three (what is alive, the phase and its deadline),
 * {@code Loop} the request from any thread and the final close. Each turn samples the clock once
 * ({@code Loop.cachedNanoTime}): hot paths that stamp a time (a connection's deadlines) read that field instead
 * of the clock, and may be early by one turn.
 *
 * <p>{@link io.ringloop.loop.Backend} is chosen here ({@code Drivers}): AUTO tries io_uring, then epoll,
 * then NIO; the choice and its reason stay with the loop ({@code backendReason()}, {@code metrics()}, the
 * {@code io.ringloop.BackendChosen} JFR event) and are logged once at DEBUG, so a program starts quietly.
 *
 * <p><b>Observability.</b> {@link io.ringloop.loop.EventLoop#metrics()} is a {@link io.ringloop.loop.LoopMetrics}
 * snapshot of counters that are always on: the driver's ({@code driver.DriverCounters}: operations by kind,
 * kernel waits, time asleep) and the loop's ({@code LoopCounters}: tasks, resumptions, budget yields, wakes
 * requested, queue depths, timers). Both are written only on the loop thread, as a plain load and an opaque
 * store (no atomics, no allocation), and read anywhere with opaque loads. JDK Flight Recorder events
 * ({@code LoopEvents}): BackendChosen, LoopStall (from {@code LoopWatchdog}), TaskFailure, SlowOperation.
 *
 * <p>Public here: {@link io.ringloop.loop.EventLoop} (a sealed interface: what users may do with a loop),
 * {@link io.ringloop.loop.Backend}, {@link io.ringloop.loop.LoopOptions}. The implementation and its plumbing
 * are in the non-exported {@code loop.internal}: {@code Loop} (the one implementation, with what the runtime's
 * own packages use: the driver, the local queue, timers by payload, shutdown bookkeeping; {@code Loop.of}
 * converts a user's {@code EventLoop} at the API's entry), {@code TimerWheel}, {@code LoopShutdown},
 * {@code LoopWatchdog} (the blocked-loop detector), {@code Drivers}, and {@code Timeouts}: every duration a user
 * gives any package goes through it once, at the API's entry (zero: no limit; negative: refused naming the call;
 * huge: saturated at 2^62 ns, so deadlines never overflow).
 */
package io.ringloop.loop;
