/**
 * How user code runs on a loop: tasks are virtual threads whose scheduler is the loop
 * ({@link io.ringloop.task.Tasks}), so a task's blocking I/O call parks it and its continuation resumes on
 * the same loop thread, with no thread hand-off. Without {@code --add-opens java.base/java.lang} the JDK
 * keeps its builder closed and tasks fall back to its default scheduler (said once, at start).
 *
 * <p>Also here: {@link io.ringloop.task.JoinHandle} (result, failure, cancel = interrupt),
 * {@link io.ringloop.task.TaskLocal} (values scoped to a task, inherited on request) and work-stealing mode
 * ({@link io.ringloop.task.Tasks#spawnStealing}). Nothing above this package knows virtual threads exist.
 *
 * <p>The plumbing lives in the non-exported {@code task.internal}: the loop's virtual-thread scheduler and the
 * JDK hook behind it ({@code LoopScheduler}, {@code VirtualThreads}); {@code LoopContext}, which tells the
 * runtime's code which loop the caller belongs to and whether it runs on that loop's OS thread (then the driver
 * may be called directly) and posts work to a loop; each loop's live tasks ({@code LoopTasks}); the waiter that
 * parks a task on a driver operation ({@code IoWaiter}); and the {@code BlockingPool} behind
 * {@code Ringloop.spawnBlocking} and the files of backends without asynchronous files, which completes join
 * handles through {@code JoinHandles} (the access {@code JoinHandle} grants the runtime, in the style of the
 * JDK's {@code SharedSecrets}).
 */
package io.ringloop.task;
