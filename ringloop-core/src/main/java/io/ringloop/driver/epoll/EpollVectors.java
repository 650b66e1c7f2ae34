package io.ringloop.driver.epoll;

import io.ringloop.driver.Iovecs;
import io.ringloop.sys.Libc;
import io.ringloop.sys.MsgHdr;
import io.ringloop.sys.Socket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The epoll driver's scatter/gather calls: one try of {@code readv(2)} or {@code sendmsg(2)} over an iovec array.
 *
 * <p>An epoll operation runs its syscall synchronously, inside the call or inside {@link EpollDriver#poll}, so the
 * kernel is done with the iovec array, the msghdr and the staging buffer when the try returns: one of each per
 * driver serves every fd, made once. Native buffers allocate nothing per call. The staging buffer for heap
 * buffers ({@link Iovecs#STAGING_BYTES}) is made at the first heap buffer and kept.
 *
 * <p>Writes go through {@code sendmsg} with MSG_NOSIGNAL rather than {@code writev}: on a socket whose peer has
 * gone, writev raises SIGPIPE. HotSpot happens to ignore SIGPIPE, but an embedding process or a native library
 * may not, and the send paths promise EPIPE, never a signal.
 *
 * <p>Loop thread only.
 */
final class EpollVectors {
    private final Arena arena;
    private final MemorySegment cs;
    private final MemorySegment iov;
    private final MemorySegment msg;
    private MemorySegment staging;
    /** Bytes the last try offered the kernel (after any cut): a read that got fewer drained the socket. */
    private long offered;

    /** {@code cs}: the driver's call state; memory from the driver's {@code arena}, freed with it. */
    EpollVectors(Arena arena, MemorySegment cs) {
        this.arena = arena;
        this.cs = cs;
        this.iov = arena.allocate(Iovecs.ARRAY_BYTES, 8);
        this.msg = arena.allocate(MsgHdr.SIZE, 8);
    }

    /** One {@code readv(2)}: the count, 0 at end of stream, or -errno (EAGAIN included). */
    int readv(int fd, MemorySegment[] buffers) {
        MemorySegment stage = stagingFor(buffers);
        int count = Iovecs.gather(iov, buffers, stage, false);
        offered = Iovecs.offeredBytes(iov, count);
        int r = Libc.readv(cs, fd, iov, count);
        if (r > 0 && stage != MemorySegment.NULL) {
            Iovecs.scatter(iov, buffers, stage, r);
        }
        return r;
    }

    /** One {@code sendmsg(fd, {msg_iov}, MSG_NOSIGNAL)}: the count written or -errno (EAGAIN included). */
    int writev(int fd, MemorySegment[] buffers) {
        int count = Iovecs.gather(iov, buffers, stagingFor(buffers), true);
        offered = Iovecs.offeredBytes(iov, count);
        MsgHdr.set(msg, MemorySegment.NULL, 0, iov, count);
        return Socket.sendmsg(cs, fd, msg, Socket.MSG_NOSIGNAL);
    }

    /** Bytes the last {@link #readv}/{@link #writev} offered the kernel. */
    long offeredBytes() {
        return offered;
    }

    private MemorySegment stagingFor(MemorySegment[] buffers) {
        if (Iovecs.heapBytes(buffers) == 0) {
            return MemorySegment.NULL;
        }
        if (staging == null) {
            staging = arena.allocate(Iovecs.STAGING_BYTES, 64);
        }
        return staging;
    }
}
