package io.ringloop.tls;

import io.ringloop.net.IoCallback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.BlockingQueue;
import java.util.function.IntConsumer;

/**
 * A callback-style echo of one handshaken {@link TlsStream} on its loop thread: read, write it back, read again,
 * until the peer's close_notify ("end" in {@code events}, then our close, with its close_notify) or a failure (put
 * in {@code events}, then closed). Over TCP or a Unix stream alike.
 */
final class TlsCallbackEcho {
    private final TlsStream stream;
    private final BlockingQueue<Object> events;
    private final IntConsumer onRead;
    private final long closeAfterBytes;
    private final MemorySegment buf = MemorySegment.ofArray(new byte[20_000]); // more than a record: several at once
    private long echoed;
    private final IoCallback read = callback(this::received);
    private final IoCallback written = callback(this::sent);

    private TlsCallbackEcho(TlsStream stream, BlockingQueue<Object> events, IntConsumer onRead, long closeAfterBytes) {
        this.stream = stream;
        this.events = events;
        this.onRead = onRead;
        this.closeAfterBytes = closeAfterBytes;
    }

    /**
     * Loop thread: echoes {@code stream}, calling {@code onRead} (a test's hook, may throw) with each read's count
     * before it is echoed; after {@code closeAfterBytes} echoed bytes it closes ("closed after N" in events).
     */
    static void start(TlsStream stream, BlockingQueue<Object> events, IntConsumer onRead, long closeAfterBytes) {
        TlsCallbackEcho e = new TlsCallbackEcho(stream, events, onRead, closeAfterBytes);
        stream.read(e.buf, 0, (int) e.buf.byteSize(), e.read);
    }

    private void received(int n) {
        if (n < 0) {
            events.add("end");
            close();
            return;
        }
        onRead.accept(n);
        stream.write(buf, 0, n, written);
    }

    private void sent(int n) {
        echoed += n;
        if (echoed >= closeAfterBytes) {
            events.add("closed after " + echoed);
            close();
            return;
        }
        stream.read(buf, 0, (int) buf.byteSize(), read);
    }

    private IoCallback callback(IntConsumer done) {
        return new IoCallback() {
            @Override
            public void completed(int result) {
                done.accept(result);
            }

            @Override
            public void failed(Throwable error) {
                events.add(error);
                close();
            }
        };
    }

    private void close() {
        try {
            stream.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
