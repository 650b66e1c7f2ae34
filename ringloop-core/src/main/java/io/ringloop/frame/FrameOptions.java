package io.ringloop.frame;

import io.ringloop.tls.TlsConfig;

/**
 * How a framing server bounds each connection's memory (Netty's watermarks, ringline's accumulator maximum), and
 * whether it speaks TLS.
 *
 * <ul>
 *   <li>{@code maxFrame}: the most bytes a frame may need while it is incomplete (the accumulator grows to it
 *       and no further; a handler that answers {@code NEED_MORE} with that many bytes shown, or asks for more
 *       with {@code needAtLeast}, ends the connection with {@link io.ringloop.io.FrameTooLongException}); default
 *       1 MiB. A larger frame that arrives whole within one receive (at most 64 KiB) is shown as it is.</li>
 *   <li>{@code highWaterMark}: above this many queued output bytes the connection is unwritable
 *       ({@link FrameConnection#send} returns false) and is neither parsed nor read; default 64 KiB.</li>
 *   <li>{@code lowWaterMark}: at or below it the connection is writable again ({@link FrameHandler#onWritable});
 *       default 32 KiB.</li>
 *   <li>{@code tls}: a server {@link TlsConfig}, or null (the default) for plain bytes. With it, every connection
 *       does the TLS handshake first (within the config's limit); the handler hears {@code onOpen} once it is
 *       done and then sees plaintext, in place, exactly as without TLS; what it sends is encrypted in the
 *       loop's flush. See {@link FrameConnection#tlsSession()}.</li>
 * </ul>
 * Queued output past four times the high watermark aborts the connection: the watermark binds. Watermarks count
 * plaintext.
 *
 * @param maxFrame      at least 1
 * @param highWaterMark at least 1
 * @param lowWaterMark  at least 0, below {@code highWaterMark}
 * @param tls           a server's TLS config, or null for none
 */
public record FrameOptions(int maxFrame, int highWaterMark, int lowWaterMark, TlsConfig tls) {
    /** 1 MiB frames, 64/32 KiB watermarks, no TLS. */
    public static final FrameOptions DEFAULTS = new FrameOptions(1 << 20, 64 * 1024, 32 * 1024, null);

    /** Checks every value; see the class comment. */
    public FrameOptions {
        if (maxFrame < 1 || highWaterMark < 1 || lowWaterMark < 0 || lowWaterMark >= highWaterMark
                || highWaterMark > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("FrameOptions: need maxFrame >= 1, 0 <= lowWaterMark < highWaterMark "
                    + "<= 512 MiB: " + this);
        }
        if (tls != null && tls.isClient()) {
            throw new IllegalArgumentException("FrameOptions.tls: a framing server needs a server's TlsConfig "
                    + "(TlsConfig.server(...)), not a client's");
        }
    }

    /** Plain bytes (no TLS) with these bounds. */
    public FrameOptions(int maxFrame, int highWaterMark, int lowWaterMark) {
        this(maxFrame, highWaterMark, lowWaterMark, null);
    }

    /** These options with {@code maxFrame} changed. */
    public FrameOptions withMaxFrame(int bytes) {
        return new FrameOptions(bytes, highWaterMark, lowWaterMark, tls);
    }

    /** These options with both watermarks changed. */
    public FrameOptions withWaterMarks(int low, int high) {
        return new FrameOptions(maxFrame, high, low, tls);
    }

    /** These options serving TLS with {@code serverConfig} (null: plain bytes again). */
    public FrameOptions withTls(TlsConfig serverConfig) {
        return new FrameOptions(maxFrame, highWaterMark, lowWaterMark, serverConfig);
    }

    /** Queued output at which the connection is aborted: four times the high watermark. */
    long hardLimit() {
        return 4L * highWaterMark;
    }
}
