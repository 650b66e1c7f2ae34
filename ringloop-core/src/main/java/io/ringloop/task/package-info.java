/**
 * How user code runs on a loop: tasks are virtual threads whose scheduler is the loop
 * ({@link io.ringloop.task.Tasks}), so a task's blocking I/O call parks it and its continuation resumes on
 * the same loop thread, with no thread hand-off. Without {@code --add-opens java.base/java.lang} the JDK
 * keeps its builder closed and tasks fall back to its default scheduler (said once, at start).
 *
 * <p>Also here: {@link io.ringloop.task.JoinHandle} (result, failure, cancel = interrupt, a deadline on join, the
 * JDK's future shapes), {@link io.ringloop.task.TaskLocal} (values scoped to a task, inherited on request) and
 * work-stealing mode ({@link io.ringloop.task.Tasks#spawnStealing}). Nothing above this package knows virtual
 * threads exist.
 *
 * <h2>Tasks that end together</h2>
 * <ul>
 *   <li>{@link io.ringloop.task.TaskScope}: the owner forks tasks onto a loop, joins them, closes the scope; no
 *       task outlives it. A {@link io.ringloop.task.TaskScope.Joiner} decides as each task ends whether the scope
 *       is done (all successful, any successful, first completed), then the rest are cancelled and waited for.</li>
 *   <li>{@link io.ringloop.task.Tasks#race}: branches as tasks, the first to end wins, the others are cancelled.
 *       Cancellation never loses data (a cancelled read leaves its bytes in the stream), and a losing branch that
 *       had already completed its read when the cancel came hands its value to the caller
 *       ({@link io.ringloop.task.Tasks#race(java.util.List, java.util.function.Consumer)}) instead of dropping
 *       it: on io_uring that is common, as the read's completion may already be in the ring.</li>
 *   <li>{@link io.ringloop.task.CancellationToken}: a tree of tokens (cancelling one cancels its subtree), any
 *       thread and any loop; tasks wait on a token by parking, callbacks run on the cancelling thread, a task
 *       bound to a token is cancelled with it (before it starts, if it has not).</li>
 * </ul>
 *
 * <p><b>Why not the JDK's {@code StructuredTaskScope}.</b> In JDK 25 it is a preview API (JEP 505, fifth
 * preview): javac refuses it without {@code --enable-preview}, and a class compiled with it runs only in a JVM
 * started with that flag, so the core cannot use it without imposing the flag on every user. It would otherwise
 * fit: {@code StructuredTaskScope.open(joiner, cf -> cf.withThreadFactory(factory))} with a factory of
 * virtual threads built on a custom scheduler (the builder {@code task.internal.VirtualThreads} uses) forks
 * subtasks that run on that scheduler's thread; tried with a single-thread executor as the scheduler on JDK
 * 25.0.3. Such threads would still bypass a loop's bookkeeping (the loop binding, live tasks cancelled at
 * shutdown, the uncaught-failure rule), which {@code TaskScope} keeps, as every task does. {@code TaskScope}
 * follows its semantics (owner thread, {@code fork}/{@code join}/{@code close}, joiners, close cancels and waits,
 * closing unjoined forks is an error), so code can move to the JDK type once it is final.
 *
 * <p>The plumbing lives in the non-exported {@code task.internal}: the loop's virtual-thread scheduler and the
 * JDK hook behind it ({@code LoopScheduler}, {@code VirtualThreads}); {@code LoopContext}, which tells the
 * runtime's code which loop the caller belongs to and whether it runs on that loop's OS thread (then the driver
 * may be called directly) and posts work to a loop; each loop's live tasks ({@code LoopTasks}); the waiter that
 * parks a task on a driver operation ({@code IoWaiter}); and the {@code BlockingPool} behind
 * {@code Ringloop.spawnBlocking} and the files of backends without asynchronous files, which completes join
 * handles through {@code JoinHandles} (the access {@code JoinHandle} grants the runtime, in the style of the
 * JDK's {@code SharedSecrets}). In this package, {@code TaskRun} is one task's life (start on the loop, the
 * thread's body, the end on the loop) in one object, and {@code Joiners} holds the joiners
 * {@link io.ringloop.task.TaskScope.Joiner} names.
 */
package io.ringloop.task;
