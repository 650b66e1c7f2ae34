package io.ringloop.fs;

import io.ringloop.loop.internal.Loop;
import io.ringloop.net.ByteStream;
import io.ringloop.net.TcpStream;
import io.ringloop.net.internal.StreamSockets;
import io.ringloop.sys.Errno;
import io.ringloop.sys.FileCalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * {@link AsyncFile#transferTo}: a file's bytes to a stream. To a {@link TcpStream} whose driver splices (io_uring,
 * epoll) they go file → pipe → socket and never enter user memory: the file into the pipe with the driver's
 * {@code spliceFromFile} (IORING_OP_SPLICE, run by the kernel's io-wq where a file read may sleep) when the file
 * is a handle of the stream's own driver, else with splice(2) on the blocking pool; the pipe into the socket
 * with the driver's {@code splice} as a write of the stream (its one-writer rule, its deadlines). The pipe is
 * empty before each fill, so the file side never waits for room and the socket side is the only wait. Anything
 * else (NIO, a Unix or TLS stream) is read in 64 KiB pieces and written.
 */
final class FileTransfer {
    /** The pipe asked for: a 1 MiB pipe is the default pipe-max-size, so an unprivileged process gets it. */
    private static final int PIPE_BYTES = 1 << 20;
    private static final int COPY_BYTES = 64 * 1024;

    private FileTransfer() {
    }

    static long transfer(AsyncFile owner, FdFile file, long position, long count, ByteStream target)
            throws IOException {
        if (count == 0) {
            return 0;
        }
        if (target instanceof TcpStream tcp && Loop.of(tcp.loop()).driver().supportsSplice()) {
            return splice(file, position, count, tcp);
        }
        return copy(owner, position, count, target);
    }

    private static long copy(AsyncFile owner, long position, long count, ByteStream target) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(COPY_BYTES, count));
        long sent = 0;
        while (sent < count) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), count - sent));
            int n = owner.read(buffer, position + sent);
            if (n < 0) {
                break;
            }
            target.writeAll(buffer.array(), 0, n);
            sent += n;
        }
        return sent;
    }

    private static long splice(FdFile file, long position, long count, TcpStream target) throws IOException {
        Loop loop = Loop.of(target.loop());
        StreamSockets.Access net = StreamSockets.access();
        int[] ends = new int[2];
        int capacity = net.call(loop, d -> FdFile.check(d.pipe(ends, PIPE_BYTES), "pipe(" + PIPE_BYTES + " bytes)"));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment offset = arena.allocate(ValueLayout.JAVA_LONG); // splice(2)'s loff_t, for the pool
            long sent = 0;
            while (sent < count) {
                int want = (int) Math.min(capacity, count - sent);
                int n = fill(file, loop, position + sent, ends[1], want, offset);
                if (n == 0) {
                    break; // end of file
                }
                for (int left = n; left > 0; ) {
                    int m = net.spliceOut(target, ends[0], left);
                    if (m <= 0) {
                        throw new IOException("splice(out): the pipe gave " + m + " of " + left + " bytes");
                    }
                    left -= m;
                }
                sent += n;
            }
            return sent;
        } finally {
            // A cancelled task gets here interrupted; the close is posted to the loop and waited for, which an
            // interrupt would cut short and leak the pipe. Closed first, the interrupt kept.
            boolean interrupted = Thread.interrupted();
            try {
                net.call(loop, d -> d.close(ends[0]) + d.close(ends[1]));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** File → pipe: up to {@code want} bytes from {@code position}; 0 at end of file. */
    private static int fill(FdFile file, Loop loop, long position, int pipe, int want, MemorySegment offset)
            throws IOException {
        String what = "splice(" + file.path + ")";
        if (file.loop == loop) {
            int r = file.submit(w -> loop.driver().spliceFromFile(file.fd, position, pipe, want, w), what);
            if (r != -Errno.EOPNOTSUPP) {
                return FdFile.check(r, what);
            }
        }
        offset.set(ValueLayout.JAVA_LONG, 0, position);
        return FdFile.pooled(what, (cs, a) -> FileCalls.spliceFromFile(cs, file.fd, offset, pipe, want, 0));
    }
}
