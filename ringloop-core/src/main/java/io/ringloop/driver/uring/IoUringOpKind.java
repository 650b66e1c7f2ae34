package io.ringloop.driver.uring;

import io.ringloop.driver.DriverCounters;
import io.ringloop.sys.uring.IoUring;

/**
 * What an io_uring operation in the {@code OpTable} is: the one vocabulary by which the driver claims a slot,
 * routes the slot's CQE ({@code IoUringCompletions.dispatch}) and names the operation in messages. The op table
 * keeps {@link #code()} ({@code ordinal() + 1}; 0 marks a free slot there), and {@link #of} turns it back with
 * one array read: routing a CQE allocates nothing. The numbers mean nothing outside this driver.
 *
 * <p>Each kind carries what the driver asks of it: the opcode of the SQE it writes ({@link #NO_SQE} for an
 * accept waiting on the listener's multishot); its {@link #direction()}, which {@link IoUringFdTable} counts
 * so that a direct recv(2)/send(2) never overtakes a receive or send in flight; whether its SQE may carry a
 * LINK_TIMEOUT ({@link #linkable()}); whether its received bytes go from a bounce buffer into the caller's
 * heap buffer at the CQE ({@link #copiesOut()}).
 */
enum IoUringOpKind {
    // (opcode of its SQE, direction, linkable, copiesOut)
    /** One-shot IORING_OP_ACCEPT (multishot accept off). */
    ACCEPT(IoUring.OP_ACCEPT, 0, true, false),
    CONNECT(IoUring.OP_CONNECT, 0, true, false),
    /** A stream read into native memory. */
    RECV(IoUring.OP_RECV, 1, true, false),
    /** A stream write: native memory or a bounce buffer. */
    SEND(IoUring.OP_SEND, -1, true, false),
    /** A datagram's receiveFrom, through the slot's msghdr and a bounce buffer for heap memory. */
    RECVMSG(IoUring.OP_RECVMSG, 0, true, true),
    /** A datagram's sendTo. */
    SENDMSG(IoUring.OP_SENDMSG, 0, true, false),
    /** A listener's armed multishot ACCEPT ({@link IoUringAcceptor}); it has no completion of its own. */
    MULTISHOT_ACCEPT(IoUring.OP_ACCEPT, 0, false, false),
    /** An accept call waiting for the multishot's next connection: no SQE. */
    ACCEPT_WAITER(-1, 0, false, false),
    /** A zero-copy write ({@link IoUringZeroCopySends}): two CQEs, the send's and the notification. */
    SEND_ZC(IoUring.OP_SEND_ZC, -1, false, false),
    /** A connection's armed multishot RECV ({@link IoUringMultishotReads}); no completion of its own. */
    MULTISHOT_RECV(IoUring.OP_RECV, 0, false, false),
    /** A read waiting for the multishot's data: no SQE, unless it goes to the kernel alone (a RECV). */
    RECV_WAITER(IoUring.OP_RECV, 0, false, false),
    /** A wait for readiness of a foreign fd ({@code pollReady}), under no handle. */
    POLL(IoUring.OP_POLL_ADD, 0, true, false),
    /** A heap read that waits for readiness, then recv(2)s into the array ({@link IoUringPolledReads}). */
    POLLED_READ(IoUring.OP_POLL_ADD, 1, true, false),
    FILE_OPEN(IoUring.OP_OPENAT, 0, false, false),
    FILE_READ(IoUring.OP_READ, 0, false, true),
    FILE_WRITE(IoUring.OP_WRITE, 0, false, false),
    FILE_SYNC(IoUring.OP_FSYNC, 0, false, false),
    FILE_CLOSE(IoUring.OP_CLOSE, 0, false, false),
    /** statx of a file handle into the caller's native struct statx. */
    FILE_STAT(IoUring.OP_STATX, 0, false, false),
    FILE_TRUNCATE(IoUring.OP_FTRUNCATE, 0, false, false),
    FILE_ALLOCATE(IoUring.OP_FALLOCATE, 0, false, false),
    /** renameat, unlinkat (files and directories), mkdirat: paths, under no handle. */
    FILE_RENAME(IoUring.OP_RENAMEAT, 0, false, false),
    FILE_UNLINK(IoUring.OP_UNLINKAT, 0, false, false),
    FILE_MKDIR(IoUring.OP_MKDIRAT, 0, false, false),
    /** A file's bytes into a pipe ({@code spliceFromFile}): an IORING_OP_SPLICE the kernel runs in its io-wq. */
    FILE_SPLICE(IoUring.OP_SPLICE, 0, false, false),
    /** Scatter read as RECVMSG over the slot's iovecs ({@link IoUringVectors}). */
    READV(IoUring.OP_RECVMSG, 1, false, false),
    /** Gather write as SENDMSG over the slot's iovecs. */
    WRITEV(IoUring.OP_SENDMSG, -1, false, false),
    /** The caller's own msghdr sent ({@code Driver.sendMessage}: fds over a Unix stream). */
    SEND_MESSAGE(IoUring.OP_SENDMSG, -1, true, false),
    /** A receive into the caller's own msghdr ({@code Driver.receiveMessage}). */
    RECV_MESSAGE(IoUring.OP_RECVMSG, 1, true, false),
    /** A datagram receive that reports the full length (MSG_TRUNC), else as {@link #RECVMSG}. */
    RECVMSG_TRUNC(IoUring.OP_RECVMSG, 0, true, true),
    /** A batch receive waiting for readiness, then recvmmsg(2) ({@link IoUringDatagrams}). */
    BATCH_RECV(IoUring.OP_POLL_ADD, 0, true, false),
    /** A batch send waiting for room, then sendmmsg(2) ({@link IoUringDatagrams}). */
    BATCH_SEND(IoUring.OP_POLL_ADD, 0, true, false),
    /** A socket-to-pipe splice waiting for the socket to be readable, then splice(2) ({@link IoUringSplices}). */
    SPLICE_IN(IoUring.OP_POLL_ADD, 1, true, false),
    /** A pipe-to-socket splice waiting for the socket to be writable, then splice(2). */
    SPLICE_OUT(IoUring.OP_POLL_ADD, -1, true, false);

    /** {@link #opcode()} of a kind that writes no SQE. */
    static final int NO_SQE = -1;

    private static final IoUringOpKind[] BY_CODE = values();

    private final int opcode;
    private final int direction;
    private final boolean linkable;
    private final boolean copiesOut;

    IoUringOpKind(int opcode, int direction, boolean linkable, boolean copiesOut) {
        this.opcode = opcode;
        this.direction = direction;
        this.linkable = linkable;
        this.copiesOut = copiesOut;
    }

    /** The number the op table keeps: never 0. */
    int code() {
        return ordinal() + 1;
    }

    /** The kind of a live slot's {@code code}. */
    static IoUringOpKind of(int code) {
        return BY_CODE[code - 1];
    }

    /** The name of {@code code} for messages: a kind's name, {@code "FREE"} for 0, else {@code "KIND_<n>"}. */
    static String nameOf(int code) {
        if (code == 0) {
            return "FREE";
        }
        return code > 0 && code <= BY_CODE.length ? BY_CODE[code - 1].name() : "KIND_" + code;
    }

    /**
     * The {@link DriverCounters} kind of a user's operation of this kind; {@link DriverCounters#UNCOUNTED} for the
     * driver's own armed multishots, which serve the operations counted under {@code ACCEPT_WAITER} and
     * {@code RECV_WAITER}.
     */
    int counted() {
        return switch (this) {
            case ACCEPT, ACCEPT_WAITER -> DriverCounters.ACCEPT;
            case CONNECT -> DriverCounters.CONNECT;
            case RECV, RECVMSG, RECV_WAITER, POLLED_READ, READV, RECV_MESSAGE, RECVMSG_TRUNC, BATCH_RECV, SPLICE_IN ->
                    DriverCounters.READ;
            case SEND, SENDMSG, SEND_ZC, WRITEV, SEND_MESSAGE, BATCH_SEND, SPLICE_OUT -> DriverCounters.WRITE;
            case MULTISHOT_ACCEPT, MULTISHOT_RECV -> DriverCounters.UNCOUNTED;
            case POLL, FILE_OPEN, FILE_READ, FILE_WRITE, FILE_SYNC, FILE_CLOSE, FILE_STAT, FILE_TRUNCATE,
                 FILE_ALLOCATE, FILE_RENAME, FILE_UNLINK, FILE_MKDIR, FILE_SPLICE -> DriverCounters.OTHER;
        };
    }

    /** The opcode of the SQE this kind writes, or {@link #NO_SQE}. */
    int opcode() {
        return opcode;
    }

    /**
     * +1 for the kinds that receive from a stream into memory the caller reads (a RECV, a polled heap read,
     * a RECVMSG scatter read), -1 for those that send (SEND, SEND_ZC, a SENDMSG gather write), 0 for the
     * rest.
     */
    int direction() {
        return direction;
    }

    /** Whether the SQE may carry a LINK_TIMEOUT: one SQE per operation (a polled read re-links its own). */
    boolean linkable() {
        return linkable;
    }

    /**
     * Whether received bytes go from a bounce buffer into the caller's heap buffer at the CQE: a datagram's
     * RECVMSG (with or without MSG_TRUNC) and a file read (a stream RECV is only ever into native memory).
     */
    boolean copiesOut() {
        return copiesOut;
    }
}
