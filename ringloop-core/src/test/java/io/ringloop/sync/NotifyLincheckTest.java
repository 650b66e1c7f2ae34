package io.ringloop.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck: {@link Notify}'s permit state machine (notifyOne stores at most one permit, tryAwait consumes it,
 * notifyWaiters stores nothing) is linearizable against Notify run sequentially. The parking paths are
 * covered by {@link NotifyTest} (including the notify/interrupt race).
 */
@SuppressWarnings("missing-explicit-ctor") // public for Lincheck, which makes it reflectively; not API
public final class NotifyLincheckTest {
    private final Notify notify = new Notify();

    @Operation
    public void notifyOne() {
        notify.notifyOne();
    }

    @Operation
    public void notifyWaiters() {
        notify.notifyWaiters();
    }

    @Operation
    public boolean tryAwait() {
        return notify.tryAwait();
    }

    @Test
    void shouldBeLinearizableUnderModelChecking() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(100).threads(3).actorsPerThread(3)
                .check(getClass());
    }
}
