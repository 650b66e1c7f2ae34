package io.ringloop.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The rule "one reader and one writer at a time" of one {@link TcpStream}, in both styles: a read (or write)
 * claims its direction with a CAS and frees it when its result is in hand (blocking style) or just before its
 * callback runs (callback style). A second one while the first is in progress, from another task, another thread
 * or a callback, throws {@link IllegalStateException} naming the call and the stream, the same on every backend;
 * the driver keeps one operation per direction and its own refusal differed (an internal state error, EBUSY, or
 * a callback silently replaced).
 */
final class TcpDirections {
    private static final VarHandle READING;
    private static final VarHandle WRITING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            READING = lookup.findVarHandle(TcpDirections.class, "reading", int.class);
            WRITING = lookup.findVarHandle(TcpDirections.class, "writing", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TcpStream stream;
    /** 1 while a read (resp. write) is in progress; set by CAS, cleared by a volatile store. */
    @SuppressWarnings("unused")
    private volatile int reading;
    @SuppressWarnings("unused")
    private volatile int writing;

    TcpDirections(TcpStream stream) {
        this.stream = stream;
    }

    /** Starts a read (or write) named {@code call}, or throws when one is in progress. Ended by {@link #exit}. */
    void enter(boolean read, String call) {
        if (!(read ? READING : WRITING).compareAndSet(this, 0, 1)) {
            throw new IllegalStateException(call + "(" + stream + "): another " + (read ? "read" : "write")
                    + " of this stream is in progress; one reader and one writer at a time");
        }
    }

    void exit(boolean read) {
        (read ? READING : WRITING).setVolatile(this, 0);
    }
}
