package io.ringloop.cli;

import io.ringloop.net.CallbackStream;
import io.ringloop.net.IoCallback;
import io.ringloop.net.TcpStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One echo connection in callback style, on the loop thread: read, write it all back, read again, with two
 * reused callbacks and one native buffer, so nothing is allocated per message. Any {@link CallbackStream} (TCP, or
 * a Unix stream for {@code --unix}). Used by {@code ringloop echo --style callback} and by the bench's in-process
 * echo benchmark.
 */
public final class CallbackEcho {
    private final CallbackStream stream;
    private final int bufferBytes;
    private final Arena arena = Arena.ofConfined(); // loop thread only, freed on close
    private final MemorySegment buf;
    private int pending;
    private int written;
    private final IoCallback onRead = new IoCallback() {
        @Override
        public void completed(int n) {
            if (n < 0) {
                close();
                return;
            }
            pending = n;
            written = 0;
            stream.write(buf, 0, n, onWrite);
        }

        @Override
        public void failed(Throwable error) {
            close();
        }
    };
    private final IoCallback onWrite = new IoCallback() {
        @Override
        public void completed(int n) {
            written += n;
            if (written < pending) {
                stream.write(buf, written, pending - written, this);
            } else {
                stream.read(buf, 0, bufferBytes, onRead);
            }
        }

        @Override
        public void failed(Throwable error) {
            close();
        }
    };

    private CallbackEcho(CallbackStream stream, int bufferBytes) {
        this.stream = stream;
        this.bufferBytes = bufferBytes;
        this.buf = arena.allocate(bufferBytes);
    }

    /** Loop thread: echoes {@code stream} until its peer closes, then closes it (TCP: with TCP_NODELAY). */
    public static void serve(CallbackStream stream, int bufferBytes) {
        CallbackEcho c = new CallbackEcho(stream, bufferBytes);
        try {
            if (stream instanceof TcpStream tcp) {
                tcp.setNoDelay(true);
            }
        } catch (IOException e) {
            c.close();
            return;
        }
        stream.read(c.buf, 0, bufferBytes, c.onRead);
    }

    private void close() {
        try {
            stream.close();
        } catch (IOException ignore) {
            // closing a connection whose peer already went away; nothing to report
        } finally {
            arena.close();
        }
    }
}
