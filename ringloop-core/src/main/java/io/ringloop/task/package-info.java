/**
 * How user code runs on a loop: tasks are virtual threads whose scheduler is the loop
 * ({@link io.ringloop.task.Tasks}), so a task's blocking I/O call parks it and its continuation resumes on
 * the same loop thread, with no thread hand-off. Without {@code --add-opens java.base/java.lang} the JDK
 * keeps its builder closed and tasks fall back to its default scheduler (said once, at start).
 *
 * <p>Also here: {@link io.ringloop.task.JoinHandle} (result, failure, cancel = interrupt),
 * {@link io.ringloop.task.TaskLocal} (values scoped to a task, inherited on request),
 * {@link io.ringloop.task.BlockingPool} for work that would stall a loop, and work-stealing mode
 * ({@link io.ringloop.task.Tasks#spawnStealing}). Nothing above this package knows virtual threads exist.
 */
package io.ringloop.task;
