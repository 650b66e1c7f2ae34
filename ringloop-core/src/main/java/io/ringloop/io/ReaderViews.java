package io.ringloop.io;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The {@link InputStream} and {@link ReadableByteChannel} faces of a {@link StreamReader}. They share the
 * reader's buffer, so code may switch between the reader and a view at any point. Closing a view closes only
 * the view: the connection stays open for the protocol code around it.
 */
final class ReaderViews {
    private ReaderViews() {
    }

    static final class Input extends InputStream {
        private final StreamReader reader;
        private boolean closed;

        Input(StreamReader reader) {
            this.reader = reader;
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("InputStream view of " + reader.stream() + ": closed");
            }
        }

        @Override
        public int read() throws IOException {
            ensureOpen();
            return reader.readByte();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            return reader.read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            ensureOpen();
            return n <= 0 ? 0 : reader.skip(n);
        }

        /** The bytes buffered: what can be read without waiting. */
        @Override
        public int available() throws IOException {
            ensureOpen();
            return reader.available();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class Channel implements ReadableByteChannel {
        private final StreamReader reader;
        private boolean closed;

        Channel(StreamReader reader) {
            this.reader = reader;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (closed) {
                throw Errno.closedException("read(channel view of " + reader.stream() + "): closed");
            }
            return reader.read(dst);
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
