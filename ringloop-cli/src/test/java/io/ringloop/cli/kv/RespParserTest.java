package io.ringloop.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.cli.wire.Bytes;
import io.ringloop.io.ByteView;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The push parser alone, shown its input in receives of every size from one byte to all of it, as both styles
 * show it (unconsumed bytes kept in front, more appended on NEED_MORE): the same commands and errors every time,
 * and never more held unconsumed than {@link RespParser#window()}.
 */
class RespParserTest {
    private static final String BIG = "x".repeat(1001);
    private static final String SCRIPT = KvServerTest.command("SET", "k", "v") + KvServerTest.command("GET", "k")
            + "get  k\r\nPING\r\n\r\n" + "*x\r\n" + "*2\r\n$3\r\nGET\r\n$-3\r\n"
            + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1001\r\n" + BIG + "\r\n" + "*1\r\n$4\r\nPINGxx\r\n"
            + "y".repeat(70_000) + "\r\n" + "*1\r\n:4\r\nPING\r\n" + "*2\r\n$4\r\nECHO\r\n$3\r\nabc\n";
    private static final List<String> EXPECTED = List.of("SET k v", "GET k", "get k", "PING", "",
            "-ERR Protocol error: invalid multibulk length", "-ERR Protocol error: invalid bulk length",
            "-ERR Protocol error: invalid bulk length", "-ERR Protocol error: expected CRLF after a bulk of 4 bytes",
            "-ERR Protocol error: too big inline request", "-ERR Protocol error: expected '$', got ':'", "PING",
            "ECHO abc");

    /** Feeds {@code input} in receives of {@code step} bytes: what the parser produced, one entry per result. */
    private static List<String> feed(byte[] input, int step, long maxBulk) {
        RespParser parser = new RespParser(maxBulk);
        RespCommand c = new RespCommand();
        Bytes.OfByteView view = new Bytes.OfByteView();
        byte[] buf = new byte[0];
        int fed = 0;
        List<String> out = new ArrayList<>();
        while (true) {
            int r = parser.parse(view.set(ByteView.of(buf)), c);
            buf = Arrays.copyOfRange(buf, parser.consumed, buf.length);
            if (r == RespParser.COMMAND) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < c.argc; i++) {
                    sb.append(i == 0 ? "" : " ").append(new String(c.copy(i), StandardCharsets.ISO_8859_1));
                }
                out.add(sb.toString());
            } else if (r == RespParser.PROTOCOL_ERROR) {
                out.add("-" + parser.error);
            } else if (parser.consumed == 0 || buf.length == 0) {
                assertTrue(parser.need == 0 || parser.need > buf.length, "need " + parser.need + " > shown");
                if (fed == input.length) {
                    return out;
                }
                int n = Math.min(step, input.length - fed);
                ByteArrayOutputStream more = new ByteArrayOutputStream();
                more.writeBytes(buf);
                more.write(input, fed, n);
                fed += n;
                buf = more.toByteArray();
            }
            assertTrue(buf.length <= RespParser.window() + step, "held " + buf.length);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 4096, 1 << 20})
    void shouldParseTheSameWhateverTheReceiveSizes(int step) {
        byte[] input = SCRIPT.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(EXPECTED, feed(input, step, 1000));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 1000, 1 << 20})
    void shouldStreamALongBulkIntoTheCommand(int step) {
        String value = "0123456789".repeat(20_000); // past STREAM_BYTES: copied as it arrives
        byte[] input = (KvServerTest.command("SET", "k", value) + "PING\r\n").getBytes(StandardCharsets.ISO_8859_1);
        List<String> out = feed(input, step, 1 << 20);
        assertEquals(List.of("SET k " + value, "PING"), out);
    }
}
