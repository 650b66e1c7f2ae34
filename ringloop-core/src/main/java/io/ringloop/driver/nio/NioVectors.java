package io.ringloop.driver.nio;

import io.ringloop.driver.Driver;
import io.ringloop.driver.Iovecs;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.Arrays;

/**
 * Scatter/gather for the {@link NioDriver}: one direction of one channel, through the JDK's
 * {@link ScatteringByteChannel#read(ByteBuffer[], int, int)} and {@link GatheringByteChannel#write(ByteBuffer[],
 * int, int)} (readv/writev underneath; the JDK stages heap buffers in its own temporary direct buffers).
 *
 * <p>The {@code ByteBuffer} array is made once ({@link Driver#MAX_IOVECS} entries) and each position keeps a
 * {@link NioBufferView}, so a stream that reads or writes the same buffers again allocates nothing. Made at the
 * direction's first vectored operation, so a channel that never uses one pays nothing.
 *
 * <p>A try returns the count, 0 at end of stream, or {@link NioOps#AGAIN}, and keeps the channel's readiness cache
 * as {@link NioOps} does. Loop thread only.
 */
final class NioVectors {
    private final ByteBuffer[] array = new ByteBuffer[Driver.MAX_IOVECS];
    private final NioBufferView[] views = new NioBufferView[Driver.MAX_IOVECS];
    /** Bytes the last {@link #wrap} offered. */
    private long offered;

    /** One scattering read into {@code buffers} (checked by the driver, not all empty). */
    static int read(NioChannel ch, MemorySegment[] buffers) throws IOException {
        if (!(ch.channel instanceof ScatteringByteChannel sc)) {
            return -Errno.ENOTCONN; // a listener, or a stream not connected yet
        }
        NioVectors v = ch.readVectors();
        int n = v.wrap(buffers);
        long got = sc.read(v.array, 0, n);
        if (got < 0) {
            return 0; // end of stream; the cache stays "ready", later reads return at once too
        }
        if (got == 0) {
            ch.readReady = false;
            return NioOps.AGAIN;
        }
        if (got < v.offered && ch.kind == NioChannel.STREAM) {
            ch.readReady = false; // short: the receive queue is drained (see NioOps.read)
        }
        return (int) got;
    }

    /** One gathering write of {@code buffers} (checked by the driver, not all empty). */
    static int write(NioChannel ch, MemorySegment[] buffers) throws IOException {
        if (!(ch.channel instanceof GatheringByteChannel gc)) {
            return -Errno.ENOTCONN;
        }
        NioVectors v = ch.writeVectors();
        int n = v.wrap(buffers);
        long put = gc.write(v.array, 0, n);
        if (put < v.offered) {
            ch.writeReady = false; // the send buffer is full
        }
        return put == 0 ? NioOps.AGAIN : (int) put;
    }

    /**
     * Points the first entries of {@link #array} at {@code buffers}; returns how many. Cut where the total
     * would pass {@code Integer.MAX_VALUE} (the result is an {@code int}), never reordered (see {@link Iovecs}).
     */
    private int wrap(MemorySegment[] buffers) {
        long total = 0;
        int n = buffers.length;
        for (int i = 0; i < n; i++) {
            NioBufferView view = views[i];
            if (view == null) {
                view = new NioBufferView();
                views[i] = view;
            }
            ByteBuffer b = view.of(buffers[i]);
            long room = Integer.MAX_VALUE - total;
            boolean cut = b.remaining() > room || b.remaining() < buffers[i].byteSize();
            if (b.remaining() > room) {
                b.limit(b.position() + (int) room);
            }
            array[i] = b;
            total += b.remaining();
            if (cut) {
                offered = total;
                return i + 1;
            }
        }
        offered = total;
        return n;
    }

    /** Forgets every view (on close, so the callers' memory is not kept reachable). */
    void clear() {
        Arrays.fill(array, null);
        for (NioBufferView v : views) {
            if (v != null) {
                v.clear();
            }
        }
    }
}
