package io.ringloop.time;

/** What an {@link Interval} does when its task was late for one or more ticks (tokio's MissedTickBehavior). */
public enum MissedTicks {
    /** Fire the missed ticks back to back until caught up; the schedule keeps its original phase. */
    BURST,
    /** Fire once now, then continue one period after now: the schedule shifts by the delay. */
    DELAY,
    /** Fire once now, then continue at the next tick of the original schedule, skipping the missed ones. */
    SKIP
}
