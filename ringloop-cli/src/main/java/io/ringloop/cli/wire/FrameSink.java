package io.ringloop.cli.wire;

import io.ringloop.frame.FrameConnection;

/**
 * The framing style's {@link Sink}: one staging array per loop thread ({@link #forThisThread}), filled while one
 * handler call answers and queued on its connection in one {@link FrameConnection#send} ({@link #flush}), so a
 * batch of pipelined answers costs one copy into the connection's queue and the connection holds nothing when idle.
 * A write larger than the staging array goes to the connection directly, after what is staged. Loop thread only.
 */
public final class FrameSink implements Sink {
    private static final int STAGING_BYTES = 16 * 1024;
    private static final ThreadLocal<FrameSink> PER_THREAD = ThreadLocal.withInitial(FrameSink::new);

    private final byte[] staging = new byte[STAGING_BYTES];
    private final byte[] digits = new byte[20];
    private int used;
    private FrameConnection target;

    private FrameSink() {
    }

    /** The calling loop thread's sink. */
    public static FrameSink forThisThread() {
        return PER_THREAD.get();
    }

    /** Starts answering on {@code c}; {@link #flush} queues what was written on it. */
    public FrameSink begin(FrameConnection c) {
        if (target != c) {
            flush();
            target = c;
        }
        return this;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (len > STAGING_BYTES - used) {
            flush();
            if (len > STAGING_BYTES / 2) {
                if (target.isOpen()) {
                    target.send(b, off, len);
                }
                return;
            }
        }
        System.arraycopy(b, off, staging, used, len);
        used += len;
    }

    @Override
    public void writeByte(int b) {
        if (used == STAGING_BYTES) {
            flush();
        }
        staging[used++] = (byte) b;
    }

    @Override
    public void writeDecimal(long value) {
        if (value == Long.MIN_VALUE) {
            writeAscii("-9223372036854775808");
            return;
        }
        long v = Math.abs(value);
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (value < 0) {
            writeByte('-');
        }
        write(digits, i, digits.length - i);
    }

    @Override
    public void writeAscii(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            writeByte(text.charAt(i));
        }
    }

    /** Queues what is staged on the connection (nothing if it closed meanwhile). */
    @Override
    public void flush() {
        if (used > 0 && target != null && target.isOpen()) {
            target.send(staging, 0, used);
        }
        used = 0;
    }

    /** Queues what is staged and forgets the connection. */
    public void end() {
        flush();
        target = null;
    }
}
