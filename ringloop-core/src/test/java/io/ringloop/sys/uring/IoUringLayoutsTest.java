package io.ringloop.sys.uring;

import static io.ringloop.sys.uring.IoUringLayouts.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The io_uring struct layouts against the numbers of include/uapi/linux/io_uring.h (v6.1): a field out of
 * place would make the kernel read garbage, so each size and each offset we use is pinned here.
 */
class IoUringLayoutsTest {
    @Test
    void shouldMatchTheKernelsSubmissionAndCompletionEntries() {
        assertEquals(64, IoUringLayouts.SQE.byteSize());
        long[] expected = {0, 1, 2, 4, 8, 16, 24, 28, 32, 40, 42, 44, 48};
        String[] fields = {"opcode", "flags", "ioprio", "fd", "off", "addr", "len", "op_flags", "user_data",
            "buf_index", "personality", "file_index", "addr3"};
        for (int i = 0; i < fields.length; i++) {
            assertEquals(expected[i], offset(IoUringLayouts.SQE, fields[i]), fields[i]);
        }
        assertEquals(16, IoUringLayouts.CQE.byteSize());
        assertEquals(8, offset(IoUringLayouts.CQE, "res"));
        assertEquals(12, offset(IoUringLayouts.CQE, "flags"));
    }

    @Test
    void shouldMatchTheKernelsSetupParameters() {
        assertEquals(120, IoUringLayouts.PARAMS.byteSize());
        assertEquals(8, offset(IoUringLayouts.PARAMS, "flags"));
        assertEquals(20, offset(IoUringLayouts.PARAMS, "features"));
        assertEquals(40, offset(IoUringLayouts.PARAMS, "sq_off"));
        assertEquals(80, offset(IoUringLayouts.PARAMS, "cq_off"));
        assertEquals(40, IoUringLayouts.SQRING_OFFSETS.byteSize());
        assertEquals(16, offset(IoUringLayouts.SQRING_OFFSETS, "flags"));
        assertEquals(24, offset(IoUringLayouts.SQRING_OFFSETS, "array"));
        assertEquals(20, offset(IoUringLayouts.CQRING_OFFSETS, "cqes"));
        assertEquals(64, offset(IoUringLayouts.PARAMS, "sq_off", "array"));
    }

    @Test
    void shouldMatchTheKernelsArgumentStructs() {
        assertEquals(24, IoUringLayouts.GETEVENTS_ARG.byteSize());
        assertEquals(16, offset(IoUringLayouts.GETEVENTS_ARG, "ts"));
        assertEquals(16, IoUringLayouts.TIMESPEC.byteSize());
        assertEquals(16, IoUringLayouts.BUF.byteSize());
        assertEquals(14, offset(IoUringLayouts.BUF, "resv"));
        assertEquals(40, IoUringLayouts.BUF_REG.byteSize());
        assertEquals(12, offset(IoUringLayouts.BUF_REG, "bgid"));
        assertEquals(32, IoUringLayouts.RSRC_REGISTER.byteSize());
        assertEquals(16, offset(IoUringLayouts.RSRC_REGISTER, "data"));
        assertEquals(16, IoUringLayouts.FILES_UPDATE.byteSize());
        assertEquals(8, offset(IoUringLayouts.FILES_UPDATE, "fds"));
        assertEquals(16, IoUringLayouts.PROBE.byteSize());
        assertEquals(1, offset(IoUringLayouts.PROBE, "ops_len"));
        assertEquals(8, IoUringLayouts.PROBE_OP.byteSize());
        assertEquals(2, offset(IoUringLayouts.PROBE_OP, "flags"));
    }
}
