package io.ringloop.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.io.StreamReader;
import io.ringloop.io.StreamWriter;
import io.ringloop.loop.Backend;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real children on every backend: {@code cat} round trip of 1 MiB, exit codes, stderr, a child killed, a wait that
 * times out; every fd comes back and every child is reaped (no zombie in /proc).
 */
class ChildProcessTest {
    private static <T> T run(Backend backend, Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> null); // warm up: the loop's own fds are open before the count
            int fds = Leaks.openFds();
            T result = rt.blockOn(body);
            assertEquals(fds, Leaks.openFds(), "the pipes and the pidfd are closed");
            return result;
        }
    }

    private static byte[] readAll(ProcessPipe pipe) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[16384];
        for (int n; (n = pipe.read(b, 0, b.length)) > 0; ) {
            out.write(b, 0, n);
        }
        return out.toByteArray();
    }

    private static boolean parked(Thread t) {
        return t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    }

    private static void assertReaped(long pid) {
        assertTrue(ProcessHandle.of(pid).isEmpty(), "pid " + pid + " is still in /proc (a zombie)");
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRoundTripAMebibyteThroughCat(Backend backend) throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        long pid = run(backend, () -> {
            try (ChildProcess cat = ChildProcess.spawn("cat")) {
                JoinHandle<Void> writer = Tasks.spawn(() -> {
                    cat.stdin().writeAll(data, 0, data.length);
                    cat.stdin().shutdownOutput();
                    return null;
                });
                byte[] back = readAll(cat.stdout());
                writer.join();
                assertArrayEquals(data, back, "cat gave back every byte, in order");
                assertEquals(0, cat.waitFor());
                assertEquals(0, cat.waitFor(), "a second wait answers at once");
                assertFalse(cat.isAlive());
                return cat.pid();
            }
        });
        assertReaped(pid);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportExitCodesAndStderr(Backend backend) throws Exception {
        run(backend, () -> {
            try (ChildProcess three = ChildProcess.spawn("sh", "-c", "exit 3")) {
                assertEquals(3, three.waitFor());
                assertReaped(three.pid());
            }
            try (ChildProcess err = ChildProcess.spawn("sh", "-c", "echo err >&2")) {
                assertEquals("err\n", new String(readAll(err.stderr()), StandardCharsets.US_ASCII));
                assertEquals(-1, err.stdout().read(new byte[1], 0, 1), "nothing on stdout");
                assertEquals(0, err.waitFor(Duration.ofSeconds(30)));
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKillAChildAndTimeOutAWait(Backend backend) throws Exception {
        long pid = run(backend, () -> {
            try (ChildProcess sleeper = ChildProcess.spawn("cat")) { // runs until its stdin ends
                TimeoutException t = assertThrows(TimeoutException.class,
                        () -> sleeper.waitFor(Duration.ofMillis(50)));
                assertEquals("waitFor(PT0.05S): pid " + sleeper.pid() + " still running after PT0.05S",
                        t.getMessage());
                assertTrue(sleeper.isAlive());
                sleeper.kill();
                assertEquals(128 + 9, sleeper.waitFor(), "killed by SIGKILL");
                sleeper.kill(); // reaped: a no-op
                return sleeper.pid();
            }
        });
        assertReaped(pid);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKillAndReapAChildStillRunningAtClose(Backend backend) throws Exception {
        long pid = run(backend, () -> {
            ChildProcess p = ChildProcess.spawn("cat");
            p.close();
            assertFalse(p.stdout().isOpen());
            assertThrows(java.nio.channels.ClosedChannelException.class, () -> p.stdout().read(new byte[1], 0, 1));
            return p.pid();
        });
        assertReaped(pid);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEndAReadWhenItsStreamIsClosed(Backend backend) throws Exception {
        run(backend, () -> {
            try (ChildProcess cat = ChildProcess.spawn("cat")) {
                JoinHandle<Integer> reader = Tasks.spawnJoined(Tasks.currentLoop(), false,
                        () -> cat.stdout().read(new byte[10], 0, 10));
                while (!parked(reader.thread())) {
                    Thread.yield(); // lets the loop run the reader until it parks in its wait (nothing to read)
                }
                cat.stdout().close();
                var e = assertThrows(java.util.concurrent.ExecutionException.class, reader::join);
                assertTrue(e.getCause() instanceof java.nio.channels.AsynchronousCloseException, e.toString());
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseMisuseByName(Backend backend) throws Exception {
        run(backend, () -> {
            NoSuchFileException none = assertThrows(NoSuchFileException.class,
                    () -> ChildProcess.spawn("ringloop-no-such-program"));
            assertEquals("posix_spawn(ringloop-no-such-program): ENOENT (2) No such file or directory",
                    none.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ChildProcess.spawn(List.of(), null, System.getenv()));
            try (ChildProcess p = ChildProcess.spawn("true")) {
                assertThrows(NonReadableChannelException.class, () -> p.stdin().read(new byte[1], 0, 1));
                assertThrows(NonWritableChannelException.class, () -> p.stdout().writeAll(new byte[1], 0, 1));
                assertEquals(0, p.waitFor());
            }
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeTheBufferedReaderAndWriter(Backend backend) throws Exception {
        run(backend, () -> {
            try (ChildProcess cat = ChildProcess.spawn("cat")) {
                StreamWriter out = new StreamWriter(cat.stdin());
                StreamReader in = new StreamReader(cat.stdout());
                out.write("one\ntwo\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("one", in.readLine(100).toString(StandardCharsets.US_ASCII));
                assertEquals("two", in.readLine(100).toString(StandardCharsets.US_ASCII));
                cat.stdin().shutdownOutput();
                assertEquals(null, in.readLine(100), "end of stream once cat's input ended");
                assertEquals(0, cat.waitFor());
            }
            return null;
        });
    }

    @Test
    void shouldWorkFromAPlainThread() throws Exception {
        try (ChildProcess p = ChildProcess.spawn("sh", "-c", "printf hi")) {
            assertEquals("hi", new String(readAll(p.stdout()), StandardCharsets.US_ASCII));
            assertEquals(0, p.waitFor());
        }
    }
}
