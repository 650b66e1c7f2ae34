package io.ringloop.task;

import static io.ringloop.task.CancellationTokenTest.awaitParked;
import static io.ringloop.task.CancellationTokenTest.connectedPair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Tasks.race over real stream reads: first to end wins, the losers are cancelled, no byte is lost. */
class RaceTest {

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldKeepBytesOfReadThatLostTheRaceForTheNextRead(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                TcpStream[] pair = connectedPair();
                try (TcpStream c = pair[0]; TcpStream s = pair[1]) {
                    Thread[] reader = new Thread[1];
                    List<Integer> late = new ArrayList<>();
                    int winner = Tasks.race(List.<Callable<Integer>>of(
                            () -> {
                                reader[0] = Thread.currentThread();
                                return s.read(new byte[16]);
                            },
                            () -> {
                                while (reader[0] == null) {
                                    Tasks.yieldNow();
                                }
                                awaitParked(reader[0]); // the read is pending in the driver: now lose it
                                return -1;
                            }), late::add);
                    assertEquals(-1, winner);
                    assertEquals(List.of(), late, "a read that found no data cannot have a value");
                    c.writeAll("after the race".getBytes());
                    byte[] b = new byte[14];
                    s.readFully(b, 0, b.length);
                    assertArrayEquals("after the race".getBytes(), b);
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldLetReadWinAndCancelTheOtherBranch(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                TcpStream[] pair = connectedPair();
                try (TcpStream c = pair[0]; TcpStream s = pair[1]) {
                    c.writeAll("ready".getBytes());
                    byte[] buf = new byte[5];
                    CancellationToken never = new CancellationToken();
                    String won = Tasks.race(
                            () -> new String(buf, 0, s.read(buf)),
                            () -> {
                                never.await();
                                return "token";
                            });
                    assertEquals("ready".substring(0, won.length()), won);
                    ExecutionException e = assertThrows(ExecutionException.class, () -> Tasks.race(
                            () -> {
                                throw new IllegalStateException("first to end, expected by the test");
                            },
                            () -> {
                                never.await();
                                return "token";
                            }));
                    assertInstanceOf(IllegalStateException.class, e.getCause(), "a failing winner fails the race");
                    assertThrows(IllegalArgumentException.class, () -> Tasks.race(List.of(), v -> { }));
                }
                return null;
            });
        }
    }

    /**
     * The race of a read against a write to its own stream, many times, with the write's branch ending at
     * different points of the read's progress: whichever wins, every byte written comes out exactly once and in
     * order: from a read that won, from a read that lost but had already read (its late value), or from a later
     * read. A write that lost before it went out sent nothing (its cancel is a real -ECANCELED), so the bytes
     * expected are those whose write returned. Under the fault injector ({@code -Dringloop.faultSeed}) every
     * backend sees late reads and cancelled writes.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldLoseNoByteWhateverWinsTheRace(Backend backend) throws Exception {
        int rounds = 300;
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            List<String> outcomes = new CopyOnWriteArrayList<>();
            byte[][] received = rt.blockOn(() -> {
                TcpStream[] pair = connectedPair();
                try (TcpStream c = pair[0]; TcpStream s = pair[1]) {
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    // The write's branch may lose too, and a write cancelled before it went out sent nothing.
                    ByteArrayOutputStream sent = new ByteArrayOutputStream();
                    for (int i = 0; i < rounds; i++) {
                        byte[] buf = new byte[64];
                        byte value = (byte) i;
                        int yields = i % 3;
                        int won = Tasks.race(List.<Callable<Integer>>of(
                                () -> s.read(buf),
                                () -> {
                                    c.writeAll(new byte[] {value});
                                    sent.write(value);
                                    for (int y = 0; y < yields; y++) {
                                        Tasks.yieldNow();
                                    }
                                    return -1;
                                }), n -> {
                                    if (n >= 0) { // the write's branch may end after losing, too
                                        got.write(buf, 0, n);
                                        outcomes.add("late");
                                    }
                                });
                        if (won >= 0) {
                            got.write(buf, 0, won);
                            outcomes.add("read");
                        } else {
                            outcomes.add("write");
                        }
                    }
                    byte[] rest = new byte[sent.size() - got.size()];
                    JoinHandle<Void> drain = Tasks.spawn(() -> {
                        s.readFully(rest, 0, rest.length);
                        return null;
                    });
                    drain.join(Duration.ofSeconds(30)); // a lost byte would leave it waiting
                    got.write(rest);
                    return new byte[][] {sent.toByteArray(), got.toByteArray()};
                }
            });
            assertArrayEquals(received[0], received[1], "bytes out of the races: " + summary(outcomes));
        }
    }

    private static String summary(List<String> outcomes) {
        return "read won " + outcomes.stream().filter("read"::equals).count()
                + ", write won " + outcomes.stream().filter("write"::equals).count()
                + ", late reads " + outcomes.stream().filter("late"::equals).count();
    }

    @Test
    void shouldRefuseRaceOffLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tasks.race(() -> 1));
        assertEquals("Tasks.race: not on a loop; call it from a task", e.getMessage());
    }
}
