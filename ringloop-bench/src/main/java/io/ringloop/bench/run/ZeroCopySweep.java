package io.ringloop.bench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The zero-copy sweep ({@code --scenarios zerocopy}): at which write size does IORING_OP_SEND_ZC start to pay?
 * For each payload size the ringloop io_uring callback echo runs twice under the same load, once with copying
 * sends and once with {@code --zero-copy-kib <size>}, i.e. SEND_ZC for every write at least as large as a
 * message: the setting a user would choose for {@code Ringloop.builder().zeroCopyWritesAbove(bytes)}. The
 * report's verdict is the smallest size from which on zero-copy is at least as fast and costs no more server
 * CPU per byte (see report.ZeroCopySummary).
 *
 * <p>The load is a few connections with a few messages in flight each, the shape of a bulk transfer, and the
 * same for both variants; where the generator's core is the limit (GEN-SATURATED), the CPU per byte still
 * compares the two. The echo reads whatever has arrived, so at small sizes one read (and its write) carries
 * several messages, and at large sizes a message can come in several reads whose writes fall below the
 * threshold and are copied: the report shows the zero-copy sends per message the kernel counted (see
 * RingCounters), so such a mix is visible, not hidden.
 *
 * <p>Not in the quick run (two server JVMs per size would break its one-minute budget); in {@code --full}.
 */
public final class ZeroCopySweep {
    public static final String NAME = "zerocopy";
    public static final List<Integer> DEFAULT_SIZES_KIB = List.of(4, 16, 64, 256);
    static final String SCENARIO_PREFIX = NAME + "-";
    static final int CONNECTIONS = 4;
    static final int IN_FLIGHT = 4;
    /** The echo's buffer is at least its default, and at least one message so a whole one can be written. */
    static final int MIN_BUFFER_KIB = 64;
    /** The generator's payload is an int of bytes and every connection keeps IN_FLIGHT of them: cap at 64 MiB. */
    static final int MAX_SIZE_KIB = 64 * 1024;

    private ZeroCopySweep() {
    }

    /** Null when {@code sizesKib} can be swept, else what is wrong with it. */
    public static String sizesError(List<Integer> sizesKib) {
        if (sizesKib == null || sizesKib.isEmpty()) {
            return "--zero-copy-sizes needs at least one size in KiB";
        }
        for (int i = 0; i < sizesKib.size(); i++) {
            int kib = sizesKib.get(i);
            if (kib < 1 || kib > MAX_SIZE_KIB) {
                return "--zero-copy-sizes: " + kib + " KiB is outside 1.." + MAX_SIZE_KIB;
            }
            // Ascending, so the verdict's "from this size on" reads along the list.
            if (i > 0 && kib <= sizesKib.get(i - 1)) {
                return "--zero-copy-sizes must be ascending without repeats: " + sizesKib;
            }
        }
        return null;
    }

    /** For every size, copying sends first, then zero-copy; the caller checked {@link #sizesError}. */
    public static List<PointPlan> plan(List<Integer> sizesKib) {
        List<PointPlan> plan = new ArrayList<>();
        for (int kib : sizesKib) {
            Scenario scenario = scenario(kib);
            int bufferKib = Math.max(MIN_BUFFER_KIB, kib);
            plan.add(new PointPlan(ServerCatalog.ioUringCallbackEcho(bufferKib, 0), scenario));
            plan.add(new PointPlan(ServerCatalog.ioUringCallbackEcho(bufferKib, kib), scenario));
        }
        return plan;
    }

    static Scenario scenario(int sizeKib) {
        return new Scenario(SCENARIO_PREFIX + sizeKib + "k", CONNECTIONS, IN_FLIGHT, sizeKib * 1024, 0,
                String.format(Locale.ROOT, "%d connections, %d KiB, %d in flight each; io_uring echo, copying "
                        + "sends vs SEND_ZC for writes >= %d KiB", CONNECTIONS, sizeKib, IN_FLIGHT, sizeKib));
    }

    public static boolean isSweep(Scenario scenario) {
        return scenario.name().startsWith(SCENARIO_PREFIX);
    }

    /** The line {@code --list} prints. */
    public static String description() {
        return CONNECTIONS + " connections x " + IN_FLIGHT + " in flight, payload " + DEFAULT_SIZES_KIB
                + " KiB (--zero-copy-sizes), io_uring echo with copying sends vs SEND_ZC; not in the quick run";
    }
}
