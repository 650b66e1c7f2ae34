package io.ringloop.driver.fault;

import java.util.Arrays;
import java.util.Locale;

/**
 * How often {@link FaultInjectingDriver} injects each {@link Fault}: a chance in [0, 1] per decision (per call
 * for the call-time faults, per completion for DELAYED and REORDERED, per waiting poll for SPURIOUS_WAKEUP).
 * Immutable.
 *
 * <p>{@link #benign()} is the mix the fault suite runs with: correct code must not notice it. {@link #hostile()}
 * adds resets and failed accepts at low rates, for tests that expect failures and check that everyone else is
 * still served.
 */
public final class FaultMix {
    private static final Fault[] KINDS = Fault.values();

    /** Chance per kind, by ordinal. */
    private final double[] chances;

    private FaultMix(double[] chances) {
        this.chances = chances;
    }

    /** No fault at all: the wrapper only passes calls on. */
    public static FaultMix none() {
        return new FaultMix(new double[KINDS.length]);
    }

    /** Every benign fault, often enough that a few hundred operations meet each of them. */
    public static FaultMix benign() {
        return none().with(Fault.SHORT_TRANSFER, 0.25)
                .with(Fault.AS_PENDING, 0.2)
                .with(Fault.RETRIED, 0.1)
                .with(Fault.DELAYED, 0.1)
                .with(Fault.REORDERED, 0.2)
                .with(Fault.SPURIOUS_WAKEUP, 0.05);
    }

    /** {@link #benign()} plus resets (one read or write in 500) and failed or refused accepts (one in 20 each). */
    public static FaultMix hostile() {
        return benign().with(Fault.RESET, 0.002).with(Fault.ACCEPT_ABORTED, 0.05).with(Fault.ACCEPT_EMFILE, 0.05);
    }

    /**
     * A mix by name: {@code benign}, {@code hostile}, {@code none}, or {@code kind=chance} pairs separated by
     * commas (e.g. {@code short_transfer=0.5,reset=0.01}) on top of none.
     */
    public static FaultMix named(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "benign", "" -> {
                return benign();
            }
            case "hostile" -> {
                return hostile();
            }
            case "none" -> {
                return none();
            }
            default -> {
                FaultMix mix = none();
                for (String pair : n.split(",")) {
                    String[] kv = pair.split("=", 2);
                    if (kv.length != 2) {
                        throw new IllegalArgumentException("fault mix '" + name + "': expected benign, hostile, "
                                + "none or kind=chance pairs, got '" + pair + "'");
                    }
                    mix = mix.with(Fault.valueOf(kv[0].trim().toUpperCase(Locale.ROOT)),
                            Double.parseDouble(kv[1].trim()));
                }
                return mix;
            }
        }
    }

    /** This mix with {@code fault} injected at {@code chance}. */
    public FaultMix with(Fault fault, double chance) {
        if (!(chance >= 0 && chance <= 1)) {
            throw new IllegalArgumentException(fault + ": chance must be in [0, 1]: " + chance);
        }
        double[] c = Arrays.copyOf(chances, chances.length);
        c[fault.ordinal()] = chance;
        return new FaultMix(c);
    }

    public double chance(Fault fault) {
        return chances[fault.ordinal()];
    }

    /** True when no fault of this mix breaks correct code. */
    public boolean isBenign() {
        for (Fault f : KINDS) {
            if (!f.benign() && chance(f) > 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Fault f : KINDS) {
            if (chance(f) > 0) {
                sb.append(sb.isEmpty() ? "" : ",").append(f.name().toLowerCase(Locale.ROOT)).append('=')
                        .append(chance(f));
            }
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }
}
