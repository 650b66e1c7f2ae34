package io.ringloop.loop;

/**
 * Receives the timers that {@link TimerWheel#poll(long, TimerHandler, int)} fires. Capture one instance in a
 * final field and pass it on every poll: the wheel never allocates to fire.
 */
@FunctionalInterface
public interface TimerHandler {
    /**
     * Called once per fired timer, on the thread that polls. The timer is already removed when this runs, so
     * {@code TimerWheel.cancel(timerId)} returns false and the handler may schedule new timers.
     *
     * @param timerId the id {@link TimerWheel#schedule(long, Object)} returned
     * @param payload the object given at schedule time
     */
    void onTimer(long timerId, Object payload);
}
