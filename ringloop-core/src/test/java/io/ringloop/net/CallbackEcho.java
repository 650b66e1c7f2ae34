package io.ringloop.net;

import java.lang.foreign.MemorySegment;

/**
 * A callback-style echo of one stream, on its loop thread: read into {@code buffer}, write all of it back,
 * read again; at end of stream (or a failure) the stream is closed. Two callbacks, reused for every message. Any
 * {@link CallbackStream}: the Unix tests use it too.
 */
public final class CallbackEcho {
    private final CallbackStream stream;
    private final MemorySegment buffer;
    private int read;
    private int written;
    private final IoCallback onRead = new IoCallback() {
        @Override
        public void completed(int n) {
            if (n < 0) {
                close();
                return;
            }
            read = n;
            written = 0;
            stream.write(buffer, 0, n, onWrite);
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
            if (written < read) {
                stream.write(buffer, written, read - written, this);
            } else {
                readNext();
            }
        }

        @Override
        public void failed(Throwable error) {
            close();
        }
    };

    private CallbackEcho(CallbackStream stream, MemorySegment buffer) {
        this.stream = stream;
        this.buffer = buffer;
    }

    /** Starts echoing {@code stream} (loop thread); {@code buffer} must be reachable from the loop thread. */
    public static void start(CallbackStream stream, MemorySegment buffer) {
        new CallbackEcho(stream, buffer).readNext();
    }

    private void readNext() {
        stream.read(buffer, 0, (int) buffer.byteSize(), onRead);
    }

    private void close() {
        try {
            stream.close();
        } catch (java.io.IOException ignore) {
            // closing after end of stream or a failure: nothing left to tell the peer
        }
    }
}
