package io.ringloop.task;

import static io.ringloop.task.CancellationTokenTest.awaitParked;
import static io.ringloop.task.CancellationTokenTest.connectedPair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpStream;
import io.ringloop.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TaskScope: tasks that end together, with each joiner; owner rules; failures stay in the scope. */
class TaskScopeTest {

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldJoinAllValuesInForkOrder(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            List<Integer> values = rt.blockOn(() -> {
                try (TaskScope<Integer, List<Integer>> scope = TaskScope.open(TaskScope.Joiner.allSuccessful())) {
                    for (int i = 0; i < 5; i++) {
                        int n = i;
                        scope.fork(() -> {
                            for (int y = 0; y < 5 - n; y++) {
                                Tasks.yieldNow(); // later forks end first
                            }
                            return n;
                        });
                    }
                    return scope.join();
                }
            });
            assertEquals(List.of(0, 1, 2, 3, 4), values);
        }
    }

    /**
     * The first failure cancels the others, here a task blocked in a read on a real stream; the failure is
     * join's, never the uncaught-failure handler's, and the cancelled read kept the stream's data.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelTheRestOnFirstFailureWithoutLosingData(Backend backend) throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1)
                .uncaughtFailureHandler((loop, source, failure) -> uncaught.add(failure)).start()) {
            rt.blockOn(() -> {
                TcpStream[] pair = connectedPair();
                JoinHandle<Integer> reader;
                try (TaskScope<Integer, List<Integer>> scope = TaskScope.open(TaskScope.Joiner.allSuccessful())) {
                    reader = scope.fork(() -> pair[1].read(new byte[8]));
                    scope.fork(() -> {
                        awaitParked(reader.thread());
                        throw new IllegalStateException("expected by the test");
                    });
                    ExecutionException e = assertThrows(ExecutionException.class, scope::join);
                    assertInstanceOf(IllegalStateException.class, e.getCause());
                    assertTrue(reader.isDone(), "join returns once the cancelled tasks have ended");
                }
                assertEquals(Future.State.CANCELLED, reader.state());
                pair[0].writeAll("later".getBytes());
                byte[] b = new byte[5];
                pair[1].readFully(b, 0, 5);
                assertArrayEquals("later".getBytes(), b);
                pair[0].close();
                pair[1].close();
                return null;
            });
        }
        assertEquals(List.of(), uncaught, "a scope's failures are its own");
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReturnFirstSuccessAndCancelTheRest(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CountDownLatch never = new CountDownLatch(1);
            List<JoinHandle<String>> forked = new ArrayList<>();
            String first = rt.blockOn(() -> {
                try (TaskScope<String, String> scope = TaskScope.open(TaskScope.Joiner.anySuccessful())) {
                    forked.add(scope.fork(() -> {
                        throw new IllegalStateException("fails first, expected by the test");
                    }));
                    forked.add(scope.fork(() -> {
                        never.await();
                        return "never";
                    }));
                    forked.add(scope.fork(() -> "winner"));
                    return scope.join();
                }
            });
            assertEquals("winner", first);
            assertEquals(Future.State.CANCELLED, forked.get(1).state());
            ExecutionException none = assertThrows(ExecutionException.class, () -> rt.blockOn(() -> {
                try (TaskScope<String, String> scope = TaskScope.open(TaskScope.Joiner.anySuccessful())) {
                    scope.fork(() -> {
                        throw new IllegalStateException("one, expected by the test");
                    });
                    scope.fork(() -> {
                        throw new IllegalArgumentException("two, expected by the test");
                    });
                    return scope.join();
                }
            }));
            assertEquals(1, none.getCause().getSuppressed().length, "the other failure is suppressed");
            ExecutionException empty = assertThrows(ExecutionException.class, () -> rt.blockOn(() -> {
                try (TaskScope<String, String> scope = TaskScope.open(TaskScope.Joiner.anySuccessful())) {
                    return scope.join();
                }
            }));
            assertInstanceOf(NoSuchElementException.class, empty.getCause());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEnforceOwnerAndPhases(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                TaskScope<String, List<String>> scope = TaskScope.open(TaskScope.Joiner.allSuccessful());
                JoinHandle<WrongThreadException> stranger = Tasks.spawn(() ->
                        assertThrows(WrongThreadException.class, () -> scope.fork(() -> "x")));
                assertTrue(stranger.join().getMessage().startsWith("TaskScope.fork: called by"));
                scope.fork(() -> "a");
                assertEquals(List.of("a"), scope.join());
                assertThrows(IllegalStateException.class, () -> scope.fork(() -> "late"));
                assertThrows(IllegalStateException.class, scope::join);
                scope.close();
                scope.close();
                return null;
            });
            IllegalStateException offLoop = assertThrows(IllegalStateException.class,
                    () -> TaskScope.open(TaskScope.Joiner.allSuccessful()));
            assertTrue(offLoop.getMessage().startsWith("TaskScope.open: not on a loop"), offLoop.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelUnjoinedTasksOnCloseAndSaySo(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CountDownLatch never = new CountDownLatch(1);
            JoinHandle<?>[] forked = new JoinHandle<?>[1];
            // From a plain thread: the scope's tasks run on the loop it names.
            TaskScope<Object, List<Object>> scope = TaskScope.open(rt.loop(0), TaskScope.Joiner.allSuccessful());
            forked[0] = scope.fork(() -> {
                never.await();
                return null;
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
            assertTrue(e.getMessage().contains("never joined"), e.getMessage());
            assertTrue(forked[0].isCancelled(), "close cancels and waits");
        }
    }

    /**
     * A per-request deadline over a scope ({@code Time.timeout} interrupts the owner): its tasks, blocked in reads
     * on real streams, are cancelled and have ended when the timeout is thrown, and the streams keep their data.
     */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelScopeTasksWhenOwnerDeadlinePasses(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                TcpStream[] a = connectedPair();
                TcpStream[] b = connectedPair();
                List<JoinHandle<Integer>> reads = new ArrayList<>();
                assertThrows(TimeoutException.class, () -> Time.timeout(Duration.ofMillis(50), () -> {
                    try (TaskScope<Integer, List<Integer>> scope = TaskScope.open(TaskScope.Joiner.allSuccessful())) {
                        reads.add(scope.fork(() -> a[1].read(new byte[4])));
                        reads.add(scope.fork(() -> b[1].read(new byte[4])));
                        return scope.join();
                    }
                }));
                for (JoinHandle<Integer> r : reads) {
                    assertEquals(Future.State.CANCELLED, r.state(), "ended and cancelled when the timeout came");
                }
                for (TcpStream[] pair : List.of(a, b)) {
                    pair[0].writeAll("data".getBytes());
                    byte[] got = new byte[4];
                    pair[1].readFully(got, 0, 4);
                    assertArrayEquals("data".getBytes(), got);
                    pair[0].close();
                    pair[1].close();
                }
                return null;
            });
        }
    }

    /** Callback code on a loop's own thread cannot wait for tasks that need that thread: refused, not a hang. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseToWaitOnTheLoopThreadItself(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            Throwable join = failureOnLoopThread(rt, () -> {
                TaskScope<String, List<String>> scope = TaskScope.open(TaskScope.Joiner.allSuccessful());
                scope.fork(() -> "needs the loop");
                scope.join();
            });
            assertInstanceOf(IllegalStateException.class, join);
            assertTrue(join.getMessage().startsWith("TaskScope.join: would block the thread of loop"),
                    join.getMessage());
            Throwable await = failureOnLoopThread(rt, () -> new CancellationToken().await());
            assertInstanceOf(IllegalStateException.class, await);
            assertTrue(await.getMessage().startsWith("CancellationToken.await: would block"), await.getMessage());
        }
    }

    /** What {@code body} throws when run as callback code on the loop's own thread (null if nothing). */
    private static Throwable failureOnLoopThread(Ringloop rt, ThrowingBody body) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        rt.loop(0).execute(() -> {
            try {
                body.run();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return outcome.get();
    }

    private interface ThrowingBody {
        void run() throws Exception;
    }

    /** A cancelled owner cancels its scope's tasks, which have ended when its join throws. */
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCancelScopeTasksWhenOwnerIsCancelled(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            List<JoinHandle<Object>> children = new CopyOnWriteArrayList<>();
            CountDownLatch forked = new CountDownLatch(1);
            AtomicBoolean childrenEndedFirst = new AtomicBoolean();
            JoinHandle<Object> owner = rt.spawn(() -> {
                try (TaskScope<Object, List<Object>> scope = TaskScope.open(TaskScope.Joiner.allSuccessful())) {
                    for (int i = 0; i < 3; i++) {
                        children.add(scope.fork(() -> {
                            new CountDownLatch(1).await();
                            return null;
                        }));
                    }
                    forked.countDown();
                    try {
                        return scope.join();
                    } catch (InterruptedException e) {
                        childrenEndedFirst.set(children.stream().allMatch(JoinHandle::isDone));
                        throw e;
                    }
                }
            });
            forked.await();
            awaitParked(owner.thread());
            owner.cancel();
            assertThrows(CancellationException.class, owner::join);
            assertTrue(childrenEndedFirst.get(), "join threw only after its tasks had ended");
            for (JoinHandle<Object> c : children) {
                assertTrue(c.isCancelled());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldStopScopeFromTokenAndInheritTaskLocals(Backend backend) throws Exception {
        TaskLocal<String> who = TaskLocal.newInstance();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            CancellationToken token = new CancellationToken();
            ExecutionException e = assertThrows(ExecutionException.class, () -> rt.blockOn(() ->
                    TaskLocal.where(who, "owner").call(() -> {
                        try (TaskScope<String, List<String>> scope = TaskScope.open(TaskScope.Joiner.allSuccessful())) {
                            token.onCancel(scope::cancel);
                            assertEquals("owner", scope.fork(who::get).join());
                            scope.fork(() -> {
                                new CountDownLatch(1).await();
                                return "never";
                            });
                            Tasks.spawn(() -> token.cancel()); // another task stops the scope
                            return scope.join();
                        }
                    })));
            assertInstanceOf(CancellationException.class, e.getCause(), "cancelled, not succeeded");
            assertFalse(token.cancel());
        }
    }
}
