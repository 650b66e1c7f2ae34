package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.BadInputs;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.function.Executable;

/**
 * An echo connection on the loop under test, for the bad-input tests: after each bad call it must still echo,
 * so no other connection noticed. Made and used in a task on that loop.
 */
final class Bystander implements AutoCloseable {
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    private final TcpListener listener;
    private final TcpStream client;
    private byte next;

    private Bystander(TcpListener listener, TcpStream client) {
        this.listener = listener;
        this.client = client;
    }

    /** An echo server and one connection to it on the caller's loop. */
    static Bystander start() throws IOException {
        TcpListener l = TcpListener.bind(LOCAL);
        TcpEchoTest.echoServer(l);
        TcpStream c = TcpStream.connect(l.localAddress());
        c.readTimeout(Duration.ofSeconds(30)); // a loop that stopped serving fails the test, not the build
        return new Bystander(l, c);
    }

    /** Runs {@code body} in a task on a one-loop runtime of {@code backend} with a bystander beside it. */
    static void run(Backend backend, Body body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (Bystander b = start()) {
                    body.run(b);
                    b.assertEchoes("the end of the test");
                }
                return null;
            });
        }
    }

    /** A test body that gets the bystander. */
    @FunctionalInterface
    interface Body {
        void run(Bystander bystander) throws Exception;
    }

    /** One round trip of 3 bytes; fails naming {@code after}, the bad call just made. */
    void assertEchoes(String after) throws IOException {
        byte[] sent = {next++, next++, next++};
        client.writeAll(sent);
        byte[] got = new byte[3];
        client.readFully(got, 0, 3);
        assertArrayEquals(sent, got, "the other connection stopped echoing after " + after);
    }

    /**
     * Asserts that {@code call} throws {@code type} with a message that contains {@code names} (the call), then that
     * the other connection still echoes. Returns the exception.
     */
    <T extends Throwable> T assertFails(Class<T> type, String names, Executable call) throws IOException {
        T e = assertThrows(type, call, "expected " + type.getSimpleName() + " naming " + names);
        BadInputs.failed(e);
        assertTrue(e.getMessage() != null && e.getMessage().contains(names),
                () -> "the message must name " + names + ": " + e);
        assertEchoes(names);
        return e;
    }

    /** Runs {@code call}, which must work, then checks the other connection; returns its result. */
    <T> T assertWorks(String what, Callable<T> call) throws Exception {
        T result = call.call();
        BadInputs.tried("taken: " + what);
        assertEchoes(what);
        return result;
    }

    @Override
    public void close() throws IOException {
        client.close();
        listener.close();
    }
}
