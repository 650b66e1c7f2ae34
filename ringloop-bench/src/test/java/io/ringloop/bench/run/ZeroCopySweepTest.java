package io.ringloop.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The zero-copy sweep's plan: which sizes are accepted, and which servers run under which load. */
final class ZeroCopySweepTest {

    @Test
    void shouldAcceptAscendingSizesOnly() {
        assertNull(ZeroCopySweep.sizesError(List.of(4, 16, 64, 256)));
        assertNull(ZeroCopySweep.sizesError(List.of(1)));
        assertNotNull(ZeroCopySweep.sizesError(List.of()));
        assertNotNull(ZeroCopySweep.sizesError(List.of(0, 4)));
        assertNotNull(ZeroCopySweep.sizesError(List.of(64, 16)));
        assertNotNull(ZeroCopySweep.sizesError(List.of(16, 16)));
        assertNotNull(ZeroCopySweep.sizesError(List.of(ZeroCopySweep.MAX_SIZE_KIB + 1)));
    }

    @Test
    void shouldRunCopyThenZeroCopyPerSizeWithTheSameBufferAndLoad() {
        List<PointPlan> plan = ZeroCopySweep.plan(List.of(4, 256));
        assertEquals(4, plan.size());
        PointPlan copy = plan.get(2);
        PointPlan zc = plan.get(3);
        assertEquals(ServerCatalog.SWEEP_COPY_ID, copy.server().id());
        assertEquals(ServerCatalog.SWEEP_ZERO_COPY_ID, zc.server().id());
        assertEquals(copy.scenario(), zc.scenario());
        assertEquals(256 * 1024, zc.scenario().payloadBytes());
        assertEquals("zerocopy-256k", zc.scenario().name());
        assertTrue(ZeroCopySweep.isSweep(zc.scenario()));
        // The only difference between the two servers is the zero-copy threshold, which is the payload.
        assertEquals(zc.server().args(), concat(copy.server().args(), List.of("--zero-copy-kib", "256")));
        assertFalse(copy.server().args().contains("--zero-copy-kib"));
        // The buffer holds a whole message, and never shrinks below the echo's default.
        assertEquals("256", after(zc.server().args(), "--buffer-kib"));
        assertEquals("64", after(plan.get(1).server().args(), "--buffer-kib"));
        assertEquals(List.of("echo", "--backend", "IO_URING", "--style", "callback"),
                copy.server().args().subList(0, 5));
    }

    @Test
    void shouldStayOutOfTheMatrixAndTheQuickRun() {
        assertTrue(ServerCatalog.all().stream().noneMatch(s -> s.id().startsWith(ServerCatalog.SWEEP_COPY_ID)
                || s.id().equals(ServerCatalog.SWEEP_ZERO_COPY_ID)));
        assertFalse(Scenario.quickNames().contains(ZeroCopySweep.NAME));
        assertTrue(Scenario.all(1000).stream().noneMatch(ZeroCopySweep::isSweep));
    }

    private static String after(List<String> args, String option) {
        return args.get(args.indexOf(option) + 1);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
