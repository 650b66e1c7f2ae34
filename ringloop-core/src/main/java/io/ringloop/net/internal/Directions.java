package io.ringloop.net.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * "One caller per direction at a time" for a stream (read, write), a datagram socket (receive, send) or a
 * listener (accept), TCP or Unix, in both styles: a call claims its direction with a CAS and frees it when its
 * result is in hand (blocking style) or just before its callback runs (callback style). A second one while the
 * first is in progress, from another task, another thread or a callback, throws {@link IllegalStateException}
 * naming the call and the socket, the same on every backend, and the first goes on unharmed. Below this the
 * driver keeps one operation per direction, and its own refusal differed by backend (an internal state error,
 * EBUSY, a callback silently replaced, or on a plain thread the second caller completing the first one's wait).
 */
public final class Directions {
    private static final VarHandle READING;
    private static final VarHandle WRITING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            READING = lookup.findVarHandle(Directions.class, "reading", int.class);
            WRITING = lookup.findVarHandle(Directions.class, "writing", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object owner;
    /** What the refusal says: "another {read} {of this stream} is in progress; {rule}". */
    private final String readNoun;
    private final String writeNoun;
    private final String ofWhat;
    private final String rule;
    /** 1 while a read (resp. write) is in progress; set by CAS (acquire), cleared by a release store. */
    @SuppressWarnings("unused")
    private volatile int reading;
    @SuppressWarnings("unused")
    private volatile int writing;

    private Directions(Object owner, String readNoun, String writeNoun, String ofWhat, String rule) {
        this.owner = owner;
        this.readNoun = readNoun;
        this.writeNoun = writeNoun;
        this.ofWhat = ofWhat;
        this.rule = rule;
    }

    /** A stream's: one reader and one writer. */
    public static Directions ofStream(Object stream) {
        return new Directions(stream, "read", "write", "of this stream", "one reader and one writer at a time");
    }

    /** A datagram socket's: one receiver and one sender. */
    public static Directions ofDatagrams(Object socket) {
        return new Directions(socket, "receive", "send", "on this socket", "one receiver and one sender at a time");
    }

    /** A listener has one direction, the "read" one. */
    public static Directions ofListener(Object listener) {
        return new Directions(listener, "accept", null, "on this listener",
                "one at a time (spawn a task per accepted connection instead)");
    }

    /** Starts a read (or write) named {@code call}, or throws when one is in progress. Ended by {@link #exit}. */
    public void enter(boolean read, String call) {
        if (!(read ? READING : WRITING).compareAndSet(this, 0, 1)) {
            throw new IllegalStateException(call + "(" + owner + "): another " + (read ? readNoun : writeNoun) + " "
                    + ofWhat + " is in progress; " + rule);
        }
    }

    /** Ends what {@link #enter} started. */
    public void exit(boolean read) {
        (read ? READING : WRITING).setRelease(this, 0); // a lock's release: no full fence per operation
    }
}
