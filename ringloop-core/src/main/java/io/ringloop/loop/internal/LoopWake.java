package io.ringloop.loop.internal;

import io.ringloop.driver.Driver;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a loop must be woken to see new work, after OpenVMM's pal_async. Four states while the loop lives:
 * <ul>
 *   <li>{@code RUNNING}: the loop is working and will look at its inbox before it sleeps;</li>
 *   <li>{@code RUN_AGAIN}: a wake arrived while running; the loop must not sleep this turn;</li>
 *   <li>{@code SLEEPING}: the loop announced it is about to block (or is blocked) in poll;</li>
 *   <li>{@code WAKING}: a waker saw SLEEPING and is writing the loop's eventfd (exactly one does).</li>
 * </ul>
 * then {@code TERMINATED}. A wake while running costs one CAS and no syscall; a sleeping loop is woken once
 * through the driver. After announcing SLEEPING the loop re-checks its inbox and stop flag before it blocks.
 */
final class LoopWake {
    private static final int RUNNING = 0;
    private static final int RUN_AGAIN = 1;
    private static final int SLEEPING = 2;
    private static final int WAKING = 3;
    private static final int TERMINATED = 4;

    private final AtomicInteger state = new AtomicInteger(RUNNING);

    /** Any thread: the loop will look at its inbox again, through {@code driver}'s wakeup if it sleeps. */
    void wake(Driver driver) {
        for (;;) {
            switch (state.get()) {
                case RUNNING -> {
                    if (state.compareAndSet(RUNNING, RUN_AGAIN)) {
                        return;
                    }
                }
                case SLEEPING -> {
                    if (state.compareAndSet(SLEEPING, WAKING)) {
                        driver.wakeup();
                        return;
                    }
                }
                default -> {
                    return; // RUN_AGAIN, WAKING: someone already made sure; TERMINATED: nobody to wake
                }
            }
        }
    }

    /**
     * Loop thread: announces that the loop is about to sleep. False when a wake came in while it ran (the state
     * is RUNNING again): look again without sleeping.
     */
    boolean announceSleep() {
        if (state.compareAndSet(RUNNING, SLEEPING)) {
            return true;
        }
        state.set(RUNNING);
        return false;
    }

    /**
     * Loop thread, after {@link #announceSleep}: takes it back because work arrived. False when a waker is already
     * writing the eventfd (WAKING): then the poll returns as soon as that lands.
     */
    boolean cancelSleep() {
        return state.compareAndSet(SLEEPING, RUNNING);
    }

    /** Loop thread: back from the poll. */
    void awake() {
        state.set(RUNNING);
    }

    void terminated() {
        state.set(TERMINATED);
    }

    boolean isSleeping() {
        return state.get() == SLEEPING;
    }

    boolean isTerminated() {
        return state.get() == TERMINATED;
    }
}
