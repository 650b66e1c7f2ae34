package io.ringloop.unix;

import io.ringloop.sys.Libc;
import io.ringloop.sys.MsgHdr;
import io.ringloop.sys.ScmRights;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The native memory of one stream's descriptor passing: per direction a msghdr, one iovec, control room for
 * {@link UnixStream#MAX_FDS} descriptors ({@link ScmRights}) and a staging area the caller's bytes are copied
 * through (a heap array cannot be lent to the kernel across a submission). Made at the stream's first use of
 * descriptor passing, from a shared arena: the caller is a virtual thread mounted on the loop thread, and the
 * loop thread's driver reads it.
 *
 * <p>Freed when the stream has closed and no descriptor operation is under way ({@link #acquire}/{@link #release}
 * count them), so a close from another task never frees memory the kernel or a copy still uses: a pending
 * operation has completed (cancelled) by the time the driver's close returns, and its task releases afterwards.
 */
final class FdPassing {
    static final int STAGING_BYTES = 16 * 1024;
    private static final long HEADERS = MsgHdr.SIZE + Libc.IOVEC_SIZE + 8; // msghdr, iovec, alignment slack

    private final Arena arena = Arena.ofShared();
    private final Direction send = new Direction(arena);
    private final Direction receive = new Direction(arena);
    private int users;
    private boolean closed;

    /** One direction's blocks, sliced once. */
    static final class Direction {
        final MemorySegment msg;
        final MemorySegment iov;
        final MemorySegment control;
        final MemorySegment data;

        Direction(Arena arena) {
            long controlBytes = ScmRights.space(UnixStream.MAX_FDS);
            MemorySegment block = arena.allocate(HEADERS + controlBytes + STAGING_BYTES, 8);
            msg = block.asSlice(0, MsgHdr.SIZE);
            iov = block.asSlice(64, Libc.IOVEC_SIZE);
            control = block.asSlice(80, controlBytes);
            data = block.asSlice(80 + controlBytes, STAGING_BYTES);
        }
    }

    /** False once the stream has closed; else the memory stays until the matching {@link #release}. */
    synchronized boolean acquire() {
        if (closed) {
            return false;
        }
        users++;
        return true;
    }

    synchronized void release() {
        if (--users == 0 && closed) {
            arena.close();
        }
    }

    synchronized void close() {
        if (!closed) {
            closed = true;
            if (users == 0) {
                arena.close();
            }
        }
    }

    /** Fills the send msghdr: the first {@code n} bytes of {@code b[off..]} and one SCM_RIGHTS message. */
    MemorySegment prepareSend(byte[] b, int off, int n, int[] fds) {
        MemorySegment.copy(b, off, send.data, ValueLayout.JAVA_BYTE, 0, n);
        Libc.iovec(send.iov, 0, send.data, 0, n);
        MsgHdr.set(send.msg, MemorySegment.NULL, 0, send.iov, 1);
        MsgHdr.setControl(send.msg, send.control, ScmRights.encode(send.control, fds));
        return send.msg;
    }

    /** Fills the receive msghdr for up to {@code n} bytes with room for {@link UnixStream#MAX_FDS} descriptors. */
    MemorySegment prepareReceive(int n) {
        Libc.iovec(receive.iov, 0, receive.data, 0, n);
        MsgHdr.set(receive.msg, MemorySegment.NULL, 0, receive.iov, 1);
        MsgHdr.setControl(receive.msg, receive.control, receive.control.byteSize());
        return receive.msg;
    }

    /** After a receive of {@code r > 0} bytes: copies them out. */
    void copyOut(int r, byte[] b, int off) {
        MemorySegment.copy(receive.data, ValueLayout.JAVA_BYTE, 0, b, off, r);
    }

    /** After a receive: the descriptors that came, into {@code out}; their count. */
    int receivedFds(int[] out) {
        return ScmRights.decode(receive.control, MsgHdr.controlLength(receive.msg), out);
    }

    /** After a receive: whether descriptors were cut off for want of room. */
    boolean truncated() {
        return (MsgHdr.flags(receive.msg) & ScmRights.MSG_CTRUNC) != 0;
    }
}
