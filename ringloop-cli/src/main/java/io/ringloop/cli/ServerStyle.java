package io.ringloop.cli;

/**
 * How {@code ringloop http} and {@code ringloop kv} serve a connection ({@code --style}); both styles share the
 * protocol's parser and answers ({@code io.ringloop.cli.wire}).
 */
public enum ServerStyle {
    /** A task (virtual thread) per connection over a StreamReader/StreamWriter; one SO_REUSEPORT listener per loop. */
    TASK,
    /**
     * The framing API ({@code io.ringloop.frame.FrameServer}, callback style): the parser runs in the loop's receive
     * path on the bytes in place, answers leave in one gathered write per connection per loop turn, an idle
     * connection holds no buffer; one listener on the first loop hands connections round-robin.
     */
    FRAMING
}
