package io.ringloop;

import io.ringloop.loop.LoopMetrics;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a runtime's counters: one {@link LoopMetrics} per loop, in loop order, and their sum. See
 * {@link LoopMetrics} for what each counts and how recent the values are.
 *
 * @param loops each loop's metrics, {@code loops.get(i)} for {@link Ringloop#loop(int) loop(i)}
 * @param total the sum over the loops ({@link LoopMetrics#sum})
 */
public record RingloopMetrics(List<LoopMetrics> loops, LoopMetrics total) {
    public RingloopMetrics {
        loops = List.copyOf(loops);
        Objects.requireNonNull(total, "total");
    }

    /** The snapshot of {@code loops} with their sum. */
    static RingloopMetrics of(List<LoopMetrics> loops) {
        return new RingloopMetrics(loops, LoopMetrics.sum(loops));
    }
}
