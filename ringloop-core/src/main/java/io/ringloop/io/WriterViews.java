package io.ringloop.io;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The {@link OutputStream} and {@link WritableByteChannel} faces of a {@link StreamWriter}: writes go to the
 * writer's buffer; closing a view flushes and closes only the view, so a serializer that closes its sink leaves
 * the connection usable.
 */
final class WriterViews {
    private WriterViews() {
    }

    static final class Output extends OutputStream {
        private final StreamWriter writer;
        private boolean closed;

        Output(StreamWriter writer) {
            this.writer = writer;
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("OutputStream view of " + writer.stream() + ": closed");
            }
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            writer.writeByte(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            writer.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            ensureOpen();
            writer.flush();
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                writer.flush();
            }
        }
    }

    static final class Channel implements WritableByteChannel {
        private final StreamWriter writer;
        private boolean closed;

        Channel(StreamWriter writer) {
            this.writer = writer;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (closed) {
                throw Errno.closedException("write(channel view of " + writer.stream() + "): closed");
            }
            int n = src.remaining();
            writer.write(src);
            return n;
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                writer.flush();
            }
        }
    }
}
