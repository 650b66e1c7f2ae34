package io.ringloop.driver.fault;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decisions of one {@link FaultInjectingDriver}: one {@link SplittableRandom} from the seed, drawn from
 * only for kinds the {@link FaultMix} has, so a seed gives the same decisions for the same calls. Counts what
 * it injects, per wrapper and process-wide. Loop thread only (the totals: any thread).
 */
final class FaultDice {
    private static final Fault[] KINDS = Fault.values();
    private static final LongAdder[] TOTALS = new LongAdder[KINDS.length];

    static {
        for (int i = 0; i < TOTALS.length; i++) {
            TOTALS[i] = new LongAdder();
        }
    }

    private final FaultMix mix;
    private final SplittableRandom random;
    private final long[] counts = new long[KINDS.length];

    FaultDice(long seed, FaultMix mix) {
        this.mix = mix;
        this.random = new SplittableRandom(seed);
    }

    /** True, and counted, when {@code kind} is injected now. */
    boolean roll(Fault kind) {
        double p = mix.chance(kind);
        if (p <= 0 || random.nextDouble() >= p) {
            return false;
        }
        counts[kind.ordinal()]++;
        TOTALS[kind.ordinal()].increment();
        return true;
    }

    double chance(Fault kind) {
        return mix.chance(kind);
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /**
     * A count for a transfer of {@code length} bytes: usually all; after a {@link Fault#SHORT_TRANSFER} 1 up
     * to {@code length}, half the time at most 16.
     */
    long transferLength(long length) {
        if (length <= 1 || !roll(Fault.SHORT_TRANSFER)) {
            return length;
        }
        int bound = (int) Math.min(length, Integer.MAX_VALUE);
        if (random.nextBoolean()) {
            bound = Math.min(bound, 16);
        }
        return 1 + random.nextInt(bound);
    }

    long count(Fault kind) {
        return counts[kind.ordinal()];
    }

    static long total(Fault kind) {
        return TOTALS[kind.ordinal()].sum();
    }
}
