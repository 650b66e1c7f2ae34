package io.ringloop.sys.uring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;

/**
 * io_uring's shared structs as {@link MemoryLayout}s, field for field, from include/uapi/linux/io_uring.h at
 * v6.1 (https://github.com/torvalds/linux/blob/v6.1/include/uapi/linux/io_uring.h). A union is laid out as
 * the member we use, named after the union's members. The offset constants in {@link IoUring},
 * {@link IoUringRing}, {@link IoUringBufRing} and {@link IoUringFileTable} are derived from these with
 * {@link #offset}, so a layout is written down once; {@code IoUringLayoutsTest} checks every size and offset
 * against the header's numbers.
 */
public final class IoUringLayouts {
    /** {@code struct io_uring_sqe}, 64 bytes. */
    public static final GroupLayout SQE = structLayout(
            JAVA_BYTE.withName("opcode"),
            JAVA_BYTE.withName("flags"),                 // IOSQE_*
            JAVA_SHORT.withName("ioprio"),               // also RECVSEND_* / ACCEPT_MULTISHOT flags
            JAVA_INT.withName("fd"),
            JAVA_LONG.withName("off"),                   // union { off; addr2; }
            JAVA_LONG.withName("addr"),                  // union { addr; splice_off_in; }
            JAVA_INT.withName("len"),
            JAVA_INT.withName("op_flags"),               // union { rw_flags; msg_flags; accept_flags; ... }
            JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"),            // union { buf_index; buf_group; }
            JAVA_SHORT.withName("personality"),
            JAVA_INT.withName("file_index"),             // union { splice_fd_in; file_index; }
            JAVA_LONG.withName("addr3"),
            JAVA_LONG.withName("pad2")).withName("io_uring_sqe");

    /** {@code struct io_uring_cqe}, 16 bytes (no IORING_SETUP_CQE32). */
    public static final GroupLayout CQE = structLayout(
            JAVA_LONG.withName("user_data"),
            JAVA_INT.withName("res"),
            JAVA_INT.withName("flags")).withName("io_uring_cqe");

    /** {@code struct io_sqring_offsets}, 40 bytes. */
    public static final GroupLayout SQRING_OFFSETS = structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("flags"), JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("resv2"))
            .withName("io_sqring_offsets");

    /** {@code struct io_cqring_offsets}, 40 bytes. */
    public static final GroupLayout CQRING_OFFSETS = structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("overflow"), JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("resv2"))
            .withName("io_cqring_offsets");

    /** {@code struct io_uring_params}, 120 bytes. */
    public static final GroupLayout PARAMS = structLayout(
            JAVA_INT.withName("sq_entries"), JAVA_INT.withName("cq_entries"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"), JAVA_INT.withName("sq_thread_idle"), JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"), sequenceLayout(3, JAVA_INT).withName("resv"),
            SQRING_OFFSETS.withName("sq_off"),
            CQRING_OFFSETS.withName("cq_off")).withName("io_uring_params");

    /** {@code struct __kernel_timespec}, 16 bytes. */
    public static final GroupLayout TIMESPEC = structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec")).withName("__kernel_timespec");

    /** {@code struct io_uring_getevents_arg}, 24 bytes (IORING_ENTER_EXT_ARG). */
    public static final GroupLayout GETEVENTS_ARG = structLayout(
            JAVA_LONG.withName("sigmask"), JAVA_INT.withName("sigmask_sz"), JAVA_INT.withName("pad"),
            JAVA_LONG.withName("ts")).withName("io_uring_getevents_arg");

    /** {@code struct io_uring_buf}, 16 bytes; a ring's {@code tail} overlays entry 0's {@code resv}. */
    public static final GroupLayout BUF = structLayout(
            JAVA_LONG.withName("addr"), JAVA_INT.withName("len"), JAVA_SHORT.withName("bid"),
            JAVA_SHORT.withName("resv")).withName("io_uring_buf");

    /** {@code struct io_uring_buf_reg}, 40 bytes (IORING_REGISTER_PBUF_RING). */
    public static final GroupLayout BUF_REG = structLayout(
            JAVA_LONG.withName("ring_addr"), JAVA_INT.withName("ring_entries"), JAVA_SHORT.withName("bgid"),
            JAVA_SHORT.withName("flags"), sequenceLayout(3, JAVA_LONG).withName("resv")).withName("io_uring_buf_reg");

    /** {@code struct io_uring_rsrc_register}, 32 bytes (IORING_REGISTER_FILES2). */
    public static final GroupLayout RSRC_REGISTER = structLayout(
            JAVA_INT.withName("nr"), JAVA_INT.withName("flags"), JAVA_LONG.withName("resv2"),
            JAVA_LONG.withName("data"), JAVA_LONG.withName("tags")).withName("io_uring_rsrc_register");

    /** {@code struct io_uring_files_update}, 16 bytes (IORING_REGISTER_FILES_UPDATE). */
    public static final GroupLayout FILES_UPDATE = structLayout(
            JAVA_INT.withName("offset"), JAVA_INT.withName("resv"), JAVA_LONG.withName("fds"))
            .withName("io_uring_files_update");

    /** {@code struct io_uring_probe} header, 16 bytes; {@link #PROBE_OP}s follow. */
    public static final GroupLayout PROBE = structLayout(
            JAVA_BYTE.withName("last_op"), JAVA_BYTE.withName("ops_len"), JAVA_SHORT.withName("resv"),
            sequenceLayout(3, JAVA_INT).withName("resv2")).withName("io_uring_probe");

    /** {@code struct io_uring_probe_op}, 8 bytes. */
    public static final GroupLayout PROBE_OP = structLayout(
            JAVA_BYTE.withName("op"), JAVA_BYTE.withName("resv"), JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("resv2")).withName("io_uring_probe_op");

    private IoUringLayouts() {
    }

    /** The byte offset of {@code path} (field names, nested) in {@code layout}. */
    public static long offset(MemoryLayout layout, String... path) {
        MemoryLayout.PathElement[] elements = new MemoryLayout.PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            elements[i] = groupElement(path[i]);
        }
        return layout.byteOffset(elements);
    }
}
