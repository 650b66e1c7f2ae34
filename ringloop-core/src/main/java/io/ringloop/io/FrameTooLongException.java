package io.ringloop.io;

import java.io.IOException;

/**
 * A line, a delimited frame or a window is longer than the limit the caller gave. Nothing was consumed: the
 * bytes are still in the reader, so the caller may skip them, answer with an error, or close.
 */
public final class FrameTooLongException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    public FrameTooLongException(String message, long limit) {
        super(message);
        this.limit = limit;
    }

    /** The limit that was exceeded, in bytes. */
    public long limit() {
        return limit;
    }
}
