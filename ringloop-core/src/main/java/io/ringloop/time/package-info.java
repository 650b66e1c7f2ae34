/**
 * What tasks call for time: {@link io.ringloop.time.Time#sleep}, {@code sleepUntil}, {@code timeout} and
 * {@link io.ringloop.time.Interval} with a {@link io.ringloop.time.MissedTicks} policy.
 *
 * <p>The timers themselves live in each loop's timer wheel ({@code loop.internal.TimerWheel}: hierarchical,
 * 1 ms tick, O(1) insert and cancel), owned by the loop thread; the loop's wait timeout comes from its next
 * deadline. Invariant: a timer never fires before its deadline.
 */
package io.ringloop.time;
