package io.ringloop.net.internal;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.TcpStream;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * What {@code net} lends the stream sockets built on it elsewhere in the runtime ({@code io.ringloop.unix}): a
 * {@link TcpStream} over any connected stream socket's handle, so a Unix stream shares the TCP stream's blocking
 * core, callback style and scatter/gather instead of copying them; the one-reader-one-writer guard, so its own
 * operations (fd passing) take turns with the stream's; the callback-style accept of a listener
 * ({@link CallbackAccept}); and the synchronous driver call from any thread. Not
 * exported: users never see it.
 *
 * <p>The JDK's "shared secrets" pattern: {@code net} installs the implementation ({@code NetPlumbing}, package
 * private there) when that class initialises, which the first use here triggers, so {@code TcpStream} keeps its
 * constructor package-private and needs no change.
 */
public final class StreamSockets {
    /** A driver call that returns a result or throws; run on the loop thread. */
    @FunctionalInterface
    public interface DriverCall<T> {
        T call(Driver driver) throws IOException;
    }

    /** What {@code net} provides; installed once. */
    public interface Access {
        /**
         * A stream over {@code handle}, a connected stream socket of {@code loop}'s driver, which it now owns;
         * messages call it {@code kind}.
         */
        TcpStream stream(Loop loop, int handle, String kind);

        /** Starts a read (or write) of {@code stream}, or throws when one is in progress. */
        void enter(TcpStream stream, boolean read, String call);

        /** Ends what {@link #enter} started. */
        void exit(TcpStream stream, boolean read);

        /** Runs {@code call} on the loop thread (at once on its carrier, else posted while the caller waits). */
        <T> T call(Loop loop, DriverCall<T> call) throws IOException;

        /** The caller's loop, or a clear error naming {@code call}. */
        Loop requireLoop(String call);

        /**
         * One splice of up to {@code length} bytes from pipe read end {@code pipe} (a handle of the stream's
         * driver, holding at least that much) into {@code stream}, as a write of it: the count moved. For
         * {@code AsyncFile.transferTo}.
         */
        int spliceOut(TcpStream stream, int pipe, int length) throws IOException;

        /**
         * The callback-style accept of the listening socket {@code handle} of {@code loop} (bound at {@code where}),
         * sharing the listener's accept guard {@code directions} and {@code backoff} with its blocking accept;
         * {@code closed} tells whether the listener is closed, {@code listener} names it in messages.
         */
        CallbackAccept callbackAccept(Loop loop, int handle, Directions directions, AcceptBackoff backoff,
                BooleanSupplier closed, Object listener, String where);
    }

    private static volatile Access access;

    private StreamSockets() {
    }

    /** Called once, by {@code net}'s plumbing class as it initialises. */
    public static void install(Access a) {
        if (access != null) {
            throw new IllegalStateException("StreamSockets: installed twice");
        }
        access = a;
    }

    /** The installed plumbing, initialising {@code net}'s class that installs it on first use. */
    public static Access access() {
        Access a = access;
        if (a == null) {
            try {
                Class.forName("io.ringloop.net.NetPlumbing", true, StreamSockets.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("io.ringloop.net.NetPlumbing missing", e);
            }
            a = access;
        }
        return a;
    }
}
