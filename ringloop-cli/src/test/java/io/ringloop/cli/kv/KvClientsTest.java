package io.ringloop.cli.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.cli.Tools;
import io.ringloop.cli.Styles;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RESP server against Redis's own clients: redis-cli for every command and its errors, redis-benchmark
 * (GET/SET, 50 clients, with and without 16-deep pipelining) finishing without an error.
 */
class KvClientsTest {
    private static String cli(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        Tools.Run run = Tools.run(cmd, null, 30);
        assertEquals(0, run.exitCode(), run.output());
        return run.output().strip();
    }

    /** Every backend in both styles: {@link Styles#all}. */
    static Stream<Arguments> styles() {
        return Styles.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldAnswerRedisCliForEveryCommand(Styles.Setup setup) throws Exception {
        Tools.require("redis-cli", "redis-tools");
        KvServerTest.withServer(setup, (server, kv) -> {
            int p = server.getPort();
            String[][] script = {
                {"PONG", "PING"}, {"hi", "PING", "hi"}, {"hello", "ECHO", "hello"},
                {"OK", "SET", "a", "1"}, {"1", "GET", "a"}, {"", "SET", "a", "2", "NX"}, {"OK", "SET", "a", "3", "XX"},
                {"", "SET", "b", "1", "XX"}, {"OK", "SET", "c", "1", "PX", "100000"}, {"4", "INCR", "a"},
                {"3", "DECR", "a"}, {"13", "INCRBY", "a", "10"}, {"OK", "MSET", "x", "1", "y", "2"},
                {"1\n2\n", "MGET", "x", "y", "z"}, {"2", "EXISTS", "x", "y", "z"}, {"1", "DEL", "x", "z"},
                {"1", "EXPIRE", "y", "100"}, {"100", "TTL", "y"}, {"1", "PERSIST", "y"}, {"-1", "TTL", "y"},
                {"-2", "TTL", "nope"}, {"3", "DBSIZE"}, {"OK", "FLUSHALL"}, {"0", "DBSIZE"},
                {"ERR unknown command 'NOPE', with args beginning with: 'x'", "NOPE", "x"},
                {"ERR wrong number of arguments for 'get' command", "GET"},
                {"ERR value is not an integer or out of range", "INCRBY", "a", "x"}, {"OK", "QUIT"},
            };
            for (String[] step : script) {
                String[] args = java.util.Arrays.copyOfRange(step, 1, step.length);
                assertEquals(step[0].strip(), cli(p, args), String.join(" ", args));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void shouldCompleteRedisBenchmarkWithAndWithoutPipelining(Styles.Setup setup) throws Exception {
        Tools.require("redis-benchmark", "redis-tools");
        KvServerTest.withServer(setup, (server, kv) -> {
            for (String pipeline : List.of("1", "16")) {
                Tools.Run run = Tools.run(List.of("redis-benchmark", "-p", String.valueOf(server.getPort()),
                        "-t", "get,set", "-n", "20000", "-c", "50", "-P", pipeline, "-q"), null, 120);
                assertEquals(0, run.exitCode(), run.output());
                String last = run.output().substring(run.output().lastIndexOf('\r') + 1);
                assertTrue(run.output().contains("SET: ") && last.contains("GET: ") && last.contains("requests per"),
                        run.output());
                assertFalse(run.output().contains("rror"), run.output());
            }
        });
    }
}
