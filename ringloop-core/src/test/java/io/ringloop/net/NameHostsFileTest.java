package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names through the JDK's own resolver, from a hosts file this test controls
 * ({@code src/test/resources/io/ringloop/net/hosts}). Runs in its own surefire execution whose JVM has
 * {@code -Djdk.net.hosts.file} (see ringloop-core/pom.xml): that JVM resolves from the file alone, never DNS, so
 * the invalid name fails the same way with or without a network.
 */
@Tag("hosts-file")
class NameHostsFileTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress V6 = InetAddress.ofLiteral("::1");

    private static <T> T run(Backend backend, Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            return rt.blockOn(body);
        }
    }

    @Test
    void shouldResolveFromTheHostsFileAlone() throws Exception {
        assertNotNull(System.getProperty("jdk.net.hosts.file"), "this JVM must be given the test's hosts file");
        Resolver r = Resolver.builder().build();
        assertEquals(List.of(V4), r.resolve("ringloop-v4.test"));
        assertEquals(List.of(V6), r.resolve("ringloop-v6.test"));
        assertEquals(Set.of(V4, V6), Set.copyOf(r.resolve("ringloop-dual.test")));
    }

    /** A byte each way over a connection made by name to a listener at {@code where}. */
    private static void echoByName(String host, InetSocketAddress where) throws IOException {
        try (TcpListener l = TcpListener.bind(where);
             TcpStream c = TcpStream.connect(host, l.localAddress().getPort(), Duration.ofSeconds(30));
             TcpStream s = l.accept()) {
            c.writeAll(new byte[] {1});
            byte[] got = new byte[1];
            s.readFully(got, 0, 1);
            assertArrayEquals(new byte[] {1}, got);
            assertEquals(l.localAddress(), c.peerAddress());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldConnectToHostsFileNames(Backend backend) throws Exception {
        run(backend, () -> {
            echoByName("ringloop-v4.test", new InetSocketAddress(V4, 0));
            echoByName("ringloop-v6.test", new InetSocketAddress(V6, 0));
            // Both families listed, a listener on IPv4 only: whichever family comes first, the connect lands.
            echoByName("ringloop-dual.test", new InetSocketAddress(V4, 0));
            echoByName("localhost", new InetSocketAddress(V4, 0));
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailForAnInvalidNameWithoutTheNetwork(Backend backend) throws Exception {
        UnknownHostException e = run(backend, () -> assertThrows(UnknownHostException.class,
                () -> TcpStream.connect("no-such-host.invalid", 80)));
        assertTrue(e.getMessage().startsWith("connect(no-such-host.invalid:80): resolve(no-such-host.invalid): "),
                e.getMessage());
        assertTrue(e.getMessage().contains("hosts file"), "the JDK's reason is kept: " + e.getMessage());
    }
}
