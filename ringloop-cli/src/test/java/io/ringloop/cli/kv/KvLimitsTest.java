package io.ringloop.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringloop.Ringloop;
import io.ringloop.cli.Styles;
import io.ringloop.net.ServerLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RESP server under its {@link ServerLimits}, every backend: a command that does not arrive whole within the
 * request timeout closes its connection, an idle one closes after the idle timeout, and a client between
 * commands for longer than the request timeout is not touched; the other clients are served throughout.
 */
class KvLimitsTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    /** Every backend in both styles: {@link Styles#all}. */
    static Stream<Arguments> styles() {
        return Styles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldCloseASlowCommandAndAnIdleClientButNotOneBetweenCommands(Styles.Setup setup) throws Exception {
        ServerLimits limits = ServerLimits.DEFAULTS.withReadTimeout(SHORT).withIdleTimeout(SHORT.multipliedBy(4));
        try (Ringloop rt = setup.start()) {
            KvServer kv = KvServer.start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000,
                    limits, setup.style());
            InetSocketAddress at = kv.localAddress();
            try (KvServerTest.Raw slow = new KvServerTest.Raw(at); KvServerTest.Raw other = new KvServerTest.Raw(at);
                 KvServerTest.Raw idle = new KvServerTest.Raw(at)) {
                assertEquals("+PONG", other.send(KvServerTest.command("PING")).reply());
                slow.send("*2\r\n$4\r\nECHO\r\n$5\r\nhel"); // and the rest never comes
                assertEquals(-1, readOrReset(slow), "the slow command's connection is closed");
                Thread.sleep(2 * SHORT.toMillis()); // between commands the request timeout does not apply
                assertEquals("$hi", other.send(KvServerTest.command("ECHO", "hi")).reply());
                assertEquals(-1, readOrReset(idle), "a client that never sends is closed by the idle timeout");
                assertEquals("+PONG", other.send(KvServerTest.command("PING")).reply());
            }
            assertThrows(IOException.class, () -> {
                try (KvServerTest.Raw late = new KvServerTest.Raw(at)) {
                    kv.drain(Duration.ofSeconds(5));
                    late.send(KvServerTest.command("PING")).reply();
                }
            }, "a drained server closes what it has and takes no more");
        }
    }

    /** End of stream, also when the server's close came as a reset. */
    private static int readOrReset(KvServerTest.Raw c) throws IOException {
        try {
            return c.read();
        } catch (java.net.SocketException e) {
            return -1;
        }
    }
}
