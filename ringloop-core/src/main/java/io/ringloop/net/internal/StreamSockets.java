package io.ringloop.net.internal;

import io.ringloop.driver.Driver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.TcpStream;
import java.io.IOException;

/**
 * What {@code net} lends the stream sockets built on it elsewhere in the runtime ({@code io.ringloop.unix}): a
 * {@link TcpStream} over any connected stream socket's handle, so a Unix stream shares the TCP stream's blocking
 * core, callback style and scatter/gather instead of copying them; the one-reader-one-writer guard, so its own
 * operations (fd passing) take turns with the stream's; and the synchronous driver call from any thread. Not
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
        TcpStream stream(Loop loop, int handle);

        void enter(TcpStream stream, boolean read, String call);

        void exit(TcpStream stream, boolean read);

        <T> T call(Loop loop, DriverCall<T> call) throws IOException;

        Loop requireLoop(String call);
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
