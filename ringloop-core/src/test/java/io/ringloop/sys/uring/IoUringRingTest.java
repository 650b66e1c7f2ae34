package io.ringloop.sys.uring;

import io.ringloop.sys.Errno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ring protocol alone: NOPs through the SQ and back through the CQ, a full SQ, the probe. */
class IoUringRingTest {
    private static final int PLAIN = IoUring.SETUP_CQSIZE;
    private static final int DEFER = IoUring.SETUP_CQSIZE | IoUring.SETUP_SINGLE_ISSUER
            | IoUring.SETUP_DEFER_TASKRUN | IoUring.SETUP_R_DISABLED;

    @BeforeEach
    void requireIoUring() {
        assumeTrue(canSetUp(), "io_uring_setup refused here");
    }

    private static boolean canSetUp() {
        try (IoUringRing _ = IoUringRing.open(2, PLAIN)) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Test
    void shouldRoundTripNopsWithTheirUserData() throws IOException {
        for (int flags : new int[] {PLAIN, DEFER}) {
            try (IoUringRing ring = IoUringRing.open(4, flags, PLAIN)) {
                assertEquals(4, ring.sqEntries());
                assertEquals(8, ring.cqEntries());
                for (int i = 0; i < 3; i++) {
                    ring.sq().prepNop(100 + i);
                }
                assertEquals(3, ring.sqPending());
                assertEquals(3, ring.submitAndWait(3, 1_000_000_000L));
                assertEquals(1, ring.enterCount());
                assertEquals(0, ring.sqPending());
                assertEquals(3, ring.cqReady());
                for (int i = 0; i < 3; i++) {
                    assertEquals(100 + i, ring.cqeUserData());
                    assertEquals(0, ring.cqeRes());
                    ring.cqAdvance();
                }
                assertEquals(0, ring.cqReady());
            }
        }
    }

    @Test
    void shouldReportFullSqUntilSubmitted() throws IOException {
        try (IoUringRing ring = IoUringRing.open(2, PLAIN)) {
            assertFalse(ring.sqFull());
            ring.sq().prepNop(1);
            ring.sq().prepNop(2);
            assertTrue(ring.sqFull());
            assertEquals(2, ring.submit());
            assertFalse(ring.sqFull());
        }
    }

    @Test
    void shouldTimeOutWaitWithEtime() throws IOException {
        try (IoUringRing ring = IoUringRing.open(2, PLAIN)) {
            assertEquals(-Errno.ETIME, ring.submitAndWait(1, 1_000_000L));
        }
    }

    /**
     * The constants in {@link IoUring} against the installed kernel header, where there is one: opcodes by
     * their position in {@code enum io_uring_op}, flags by their {@code (1U << n)} definitions.
     */
    @Test
    void shouldMatchTheInstalledHeader() throws Exception {
        Path header = Path.of("/usr/include/linux/io_uring.h");
        assumeTrue(Files.isReadable(header), "no linux/io_uring.h installed");
        String text = Files.readString(header);
        Map<String, Integer> fromHeader = new HashMap<>();
        String ops = text.substring(text.indexOf("enum io_uring_op {"), text.indexOf("IORING_OP_LAST"));
        Matcher op = Pattern.compile("IORING_OP_(\\w+)").matcher(ops);
        for (int i = 0; op.find(); i++) {
            fromHeader.put("OP_" + op.group(1), i);
            if (i <= IoUring.OP_FTRUNCATE) { // the header may be older than our names, never newer
                assertEquals(op.group(1), IoUring.opcodeName(i));
            }
        }
        Matcher flag = Pattern.compile("#define\\s+IORING_(\\w+)\\s+\\(1U\\s*<<\\s*(\\d+)\\)").matcher(text);
        while (flag.find()) {
            fromHeader.put(flag.group(1), 1 << Integer.parseInt(flag.group(2)));
        }
        int checked = 0;
        for (Field f : IoUring.class.getFields()) {
            Integer want = fromHeader.get(f.getName());
            if (want != null && f.getType() == int.class) { // names newer than the header are not checked
                assertEquals(want.intValue(), f.getInt(null), f.getName());
                checked++;
            }
        }
        assertTrue(checked >= 30, "only " + checked + " constants found in the header");
    }

    @Test
    void shouldProbeOpcodes() throws IOException {
        try (IoUringRing ring = IoUringRing.open(2, PLAIN)) {
            assertTrue(ring.supports(IoUring.OP_NOP));
            assertTrue(ring.supports(IoUring.OP_ASYNC_CANCEL));
            assertFalse(ring.supports(255));
            assertFalse(ring.supports(-1));
        }
    }
}
