package io.ringloop.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.cli.Styles;
import io.ringloop.net.ServerLimits;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RESP server over raw sockets, every backend: commands, pipelining, and protocol errors that are answered
 * with a RESP error while the connection (and every other) goes on.
 */
class KvServerTest {
    private static final long MAX_BULK = 1000;

    interface Body {
        void run(InetSocketAddress server, KvServer kv) throws Exception;
    }

    static void withServer(Styles.Setup setup, Body body) throws Exception {
        try (Ringloop rt = setup.start()) {
            KvServer kv = KvServer.start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), MAX_BULK,
                    ServerLimits.DEFAULTS, setup.style());
            body.run(kv.localAddress(), kv);
        }
    }

    /** A raw client: sends bytes, reads one reply line (and a bulk's payload). */
    static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        Raw(InetSocketAddress server) throws IOException {
            socket = new Socket(server.getAddress(), server.getPort());
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        Raw send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        /** The next reply: a line, or for a bulk its payload after '$'; arrays as their header line. */
        String reply() throws IOException {
            String line = line();
            if (line.startsWith("$") && !line.equals("$-1")) {
                byte[] payload = in.readNBytes(Integer.parseInt(line.substring(1)) + 2);
                return "$" + new String(payload, 0, payload.length - 2, StandardCharsets.ISO_8859_1);
            }
            return line;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("end of stream after " + sb);
                }
                sb.append((char) b);
            }
            return sb.substring(0, sb.length() - 1);
        }

        int read() throws IOException {
            return in.read();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String command(String... args) {
        StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    /** Every backend in both styles: {@link Styles#all}. */
    static Stream<Arguments> styles() {
        return Styles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldRunCommandsPipelinedAndInline(Styles.Setup setup) throws Exception {
        withServer(setup, (server, kv) -> {
            try (Raw c = new Raw(server)) {
                c.send(command("SET", "k", "v") + command("GET", "k") + "get k\r\nPING\r\n\r\n"
                        + command("INCR", "n").repeat(100) + command("MGET", "k", "nope") + "QUIT\r\n");
                assertEquals("+OK", c.reply());
                assertEquals("$v", c.reply());
                assertEquals("$v", c.reply());
                assertEquals("+PONG", c.reply());
                for (int i = 1; i <= 100; i++) {
                    assertEquals(":" + i, c.reply());
                }
                assertEquals("*2", c.reply());
                assertEquals("$v", c.reply());
                assertEquals("$-1", c.reply());
                assertEquals("+OK", c.reply());
                assertEquals(-1, c.read(), "QUIT closes");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldAnswerProtocolErrorsAndKeepServing(Styles.Setup setup) throws Exception {
        withServer(setup, (server, kv) -> {
            try (Raw c = new Raw(server); Raw other = new Raw(server)) {
                String big = "x".repeat((int) MAX_BULK + 1);
                c.send("*x\r\n" + "*2\r\n$3\r\nGET\r\n$-3\r\n" + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + big.length()
                        + "\r\n" + big + "\r\n" + command("GET", "k") + "*1\r\n$4\r\nPINGxx\r\n"
                        + "y".repeat(70_000) + "\r\n" + "*1\r\n:4\r\nPING\r\n");
                assertEquals("-ERR Protocol error: invalid multibulk length", c.reply());
                assertEquals("-ERR Protocol error: invalid bulk length", c.reply());
                assertEquals("-ERR Protocol error: invalid bulk length", c.reply(), "over the maximum: skipped");
                assertEquals("$-1", c.reply(), "the oversized SET did not happen; the next command parsed");
                assertEquals("-ERR Protocol error: expected CRLF after a bulk of 4 bytes", c.reply());
                assertEquals("-ERR Protocol error: too big inline request", c.reply());
                assertEquals("-ERR Protocol error: expected '$', got ':'", c.reply());
                assertEquals("+PONG", c.reply(), "the inline PING after the broken command");
                assertEquals("+PONG", other.send("PING\r\n").reply());
                c.send(command("PING"));
                assertEquals("+PONG", c.reply(), "the connection survived every error");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldAnswerCommandErrorsWithRedisWording(Styles.Setup setup) throws Exception {
        withServer(setup, (server, kv) -> {
            try (Raw c = new Raw(server)) {
                c.send(command("SET", "s", "abc") + command("INCR", "s") + command("GET") + command("NOPE", "a")
                        + command("SET", "k", "v", "EX", "0") + command("SET", "k", "v", "NX", "XX")
                        + command("SET", "m", String.valueOf(Long.MAX_VALUE)) + command("INCR", "m")
                        + command("EXPIRE", "s", "x") + command("MSET", "a"));
                assertEquals("+OK", c.reply());
                assertEquals("-ERR value is not an integer or out of range", c.reply());
                assertEquals("-ERR wrong number of arguments for 'get' command", c.reply());
                assertEquals("-ERR unknown command 'NOPE', with args beginning with: 'a' ", c.reply());
                assertEquals("-ERR invalid expire time in 'set' command", c.reply());
                assertEquals("-ERR syntax error", c.reply());
                assertEquals("+OK", c.reply());
                assertEquals("-ERR increment or decrement would overflow", c.reply());
                assertEquals("-ERR value is not an integer or out of range", c.reply());
                assertEquals("-ERR wrong number of arguments for 'mset' command", c.reply());
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldExpireAndShareDataAcrossConnections(Styles.Setup setup) throws Exception {
        withServer(setup, (server, kv) -> {
            try (Raw a = new Raw(server); Raw b = new Raw(server)) {
                a.send(command("SET", "k", "v", "EX", "100") + command("TTL", "k"));
                assertEquals("+OK", a.reply());
                String ttl = a.reply();
                assertTrue(ttl.equals(":100") || ttl.equals(":99"), ttl);
                b.send(command("PERSIST", "k") + command("TTL", "k") + command("EXPIRE", "k", "-1")
                        + command("EXISTS", "k") + command("TTL", "k") + command("DBSIZE"));
                assertEquals(":1", b.reply());
                assertEquals(":-1", b.reply());
                assertEquals(":1", b.reply(), "a deadline in the past deletes the key");
                assertEquals(":0", b.reply());
                assertEquals(":-2", b.reply());
                assertEquals(":0", b.reply());
            }
        });
    }
}
