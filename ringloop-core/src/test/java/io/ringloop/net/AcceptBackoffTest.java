package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.driver.fault.Fault;
import io.ringloop.driver.fault.FaultInjectingDriver;
import io.ringloop.loop.Backend;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.internal.AcceptBackoff;
import io.ringloop.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Accepts refused for want of descriptors back off, in both styles: the episode rules of {@link AcceptBackoff}
 * on a clock the test sets, and listeners on every backend whose driver refuses half the accepts with EMFILE
 * (the fault driver): every client is served and the callback never hears of the refusals.
 * {@link AcceptExhaustionTest} does it for real, with a descriptor limit in a child JVM.
 */
class AcceptBackoffTest {
    private static final long MS = 1_000_000L;

    /** A logger that keeps the messages logged at WARNING or above. */
    private static class Warnings implements System.Logger {
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
            if (level.getSeverity() >= Level.WARNING.getSeverity()) {
                messages.add(msg);
            }
        }

        @Override
        public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, format, (Throwable) null);
        }
    }

    @Test
    void shouldDoubleTheWaitUpToItsCapAndStartOverAfterAnAccept() {
        AcceptBackoff b = new AcceptBackoff("test");
        List<Long> waits = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 10; i++) {
            long w = b.refused(-Errno.EMFILE, now);
            waits.add(w / MS);
            now += w;
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 100L, 100L, 100L), waits);
        b.accepted();
        assertEquals(AcceptBackoff.FIRST_DELAY_NS, b.refused(-Errno.ENFILE, now));
    }

    @Test
    void shouldWarnOncePerEpisode() {
        Warnings warnings = new Warnings();
        AcceptBackoff b = new AcceptBackoff("test", warnings);
        b.refused(-Errno.EMFILE, 0);
        b.refused(-Errno.EMFILE, 50 * MS);
        b.accepted(); // one descriptor freed and taken at once: still the same episode
        b.refused(-Errno.EMFILE, 60 * MS);
        assertEquals(1, warnings.messages.size(), warnings.messages.toString());
        assertTrue(warnings.messages.get(0).contains("EMFILE"), warnings.messages.get(0));
        b.accepted();
        b.refused(-Errno.ENOBUFS, 60 * MS + AcceptBackoff.QUIET_NS + 1); // quiet for a second: a new one
        assertEquals(2, warnings.messages.size(), warnings.messages.toString());
    }

    @Test
    void shouldBackOffEvenWhenTheLoggerFailsForWantOfDescriptors() {
        Warnings failing = new Warnings() {
            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
                // What ZoneInfoFile's initializer throws when tzdb.dat cannot be opened.
                throw new Error(new java.io.FileNotFoundException("lib/tzdb.dat (Too many open files)"));
            }
        };
        AcceptBackoff b = new AcceptBackoff("test", failing);
        assertEquals(AcceptBackoff.FIRST_DELAY_NS, b.refused(-Errno.EMFILE, 0), "the warning went to stderr instead");
        b.accepted();
    }

    @Test
    void shouldTellExhaustionFromOtherFailures() {
        assertTrue(AcceptBackoff.exhausted(-Errno.EMFILE) && AcceptBackoff.exhausted(-Errno.ENFILE)
                && AcceptBackoff.exhausted(-Errno.ENOBUFS) && AcceptBackoff.exhausted(-Errno.ENOMEM));
        assertTrue(!AcceptBackoff.exhausted(-Errno.ECONNABORTED) && !AcceptBackoff.exhausted(-Errno.EBADF));
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldServeEveryClientWhileHalfTheAcceptsAreRefused(Backend backend) throws Exception {
        String before = System.getProperty(FaultInjectingDriver.MIX_PROPERTY);
        System.setProperty(FaultInjectingDriver.SEED_PROPERTY, "7");
        System.setProperty(FaultInjectingDriver.MIX_PROPERTY, "accept_emfile=0.5");
        Ringloop rt;
        try {
            rt = Ringloop.builder().backend(backend).threads(1).start();
        } finally {
            System.clearProperty(FaultInjectingDriver.SEED_PROPERTY);
            if (before == null) {
                System.clearProperty(FaultInjectingDriver.MIX_PROPERTY);
            } else {
                System.setProperty(FaultInjectingDriver.MIX_PROPERTY, before);
            }
        }
        try (rt; Arena arena = Arena.ofShared()) {
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            TcpServer tasks = rt.serve(any, s -> {
                byte[] b = new byte[16];
                int n;
                while ((n = s.read(b)) > 0) {
                    s.writeAll(b, 0, n);
                }
            });
            List<Throwable> callbackFailures = new CopyOnWriteArrayList<>();
            TcpListener callbacks = callbackServer(rt, arena, callbackFailures);
            for (int i = 0; i < 20; i++) {
                roundTrip(i % 2 == 0 ? tasks.localAddress() : callbacks.localAddress(), i);
            }
            FaultInjectingDriver d = (FaultInjectingDriver) Loop.of(rt.loop(0)).driver();
            long refused = CompletableFuture.supplyAsync(() -> d.count(Fault.ACCEPT_EMFILE), rt.loop(0)).get();
            assertTrue(refused > 0, "no accept was refused");
            assertEquals(List.of(), callbackFailures, "the callback hears of no refusal");
            tasks.close();
            callbacks.close();
        }
    }

    private static void roundTrip(InetSocketAddress to, int i) throws IOException {
        try (Socket c = new Socket(to.getAddress(), to.getPort())) {
            c.setSoTimeout(10_000);
            byte[] msg = ("hello " + i).getBytes();
            c.getOutputStream().write(msg);
            assertArrayEquals(msg, c.getInputStream().readNBytes(msg.length));
        }
    }

    private static TcpListener callbackServer(Ringloop rt, Arena arena, List<Throwable> failures) throws Exception {
        CompletableFuture<TcpListener> bound = new CompletableFuture<>();
        rt.loop(0).execute(() -> {
            try {
                TcpListener l = TcpListener.builder().loop(rt.loop(0)).bind(new InetSocketAddress("127.0.0.1", 0));
                acceptNext(l, arena, failures);
                bound.complete(l);
            } catch (IOException | RuntimeException e) {
                bound.completeExceptionally(e);
            }
        });
        return bound.get(10, TimeUnit.SECONDS);
    }

    private static void acceptNext(TcpListener l, Arena arena, List<Throwable> failures) {
        l.accept(new AcceptCallback() {
            @Override
            public void accepted(TcpStream s) {
                CallbackEcho.start(s, arena.allocate(64));
                acceptNext(l, arena, failures);
            }

            @Override
            public void failed(Throwable error) {
                if (l.isOpen()) {
                    failures.add(error);
                    acceptNext(l, arena, failures);
                }
            }
        });
    }
}
