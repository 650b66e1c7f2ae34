package io.ringloop.bench;

import io.ringloop.Ringloop;
import io.ringloop.cli.CallbackEcho;
import io.ringloop.loop.Backend;
import io.ringloop.net.AcceptCallback;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./ringloop bench --scenarios fairness [--duration SEC]}: the latency of a quiet connection beside a
 * flooding one on a one-loop echo server, with the fairness budget (128, the default) and without it (0), in
 * task and callback style. The flood's client writes 64 KiB chunks as fast as it can (a second thread drains
 * the echoes), so the server's reads on it always find data; the quiet client sends 64 bytes, waits for the
 * echo, pauses 1 ms, again. Prints p50/p99/max of the quiet round trips per case. In-process, on this JVM's
 * AUTO backend ({@code -Dringloop.fairness.backend=EPOLL} to choose); a round trip that waits longer than
 * {@link #STALL_MS} counts as that long and ends the case.
 */
public final class FairnessBench {
    public static final String NAME = "fairness";
    static final long STALL_MS = 10_000;
    private static final int QUIET_BYTES = 64;
    private static final int FLOOD_CHUNK = 64 * 1024;

    private FairnessBench() {
    }

    /** Runs every case for {@code durationSec} each (default 2) and prints one line per case; 0 on success. */
    public static int run(Double durationSec) throws Exception {
        long durationNs = (long) ((durationSec != null ? durationSec : 2.0) * 1e9);
        Backend backend = Backend.valueOf(System.getProperty("ringloop.fairness.backend", "AUTO"));
        System.out.printf(Locale.ROOT, "%-9s %-6s %-7s %8s %10s %10s %10s%n",
                "style", "flood", "budget", "samples", "p50 us", "p99 us", "max us");
        for (boolean callbacks : new boolean[] {false, true}) {
            for (int[] c : new int[][] {{0, 128}, {1, 128}, {1, 0}}) {
                long[] rtt = measure(backend, callbacks, c[0] == 1, c[1], durationNs);
                System.out.printf(Locale.ROOT, "%-9s %-6s %-7s %8d %10.1f %10.1f %10.1f%n",
                        callbacks ? "callback" : "task", c[0] == 1 ? "yes" : "no", c[1] == 0 ? "off" : c[1],
                        rtt.length, pct(rtt, 0.50), pct(rtt, 0.99), pct(rtt, 1.0));
            }
        }
        return 0;
    }

    private static long[] measure(Backend backend, boolean callbacks, boolean flood, int budget, long durationNs)
            throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).budget(budget).name("fair").start()) {
            InetSocketAddress at = callbacks ? callbackServer(rt) : rt.serve(
                    new InetSocketAddress("127.0.0.1", 0), FairnessBench::echo).localAddress();
            Flood f = flood ? new Flood(at) : null;
            try (Socket quiet = new Socket(at.getAddress(), at.getPort())) {
                return pings(quiet, durationNs);
            } finally {
                if (f != null) {
                    f.stop();
                }
            }
        }
    }

    private static void echo(TcpStream s) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = s.read(buf)) > 0) {
                s.writeAll(buf, 0, n);
            }
        } catch (IOException ignore) {
            // the flood's client resets when a case ends: not what this measures
        }
    }

    private static InetSocketAddress callbackServer(Ringloop rt) throws Exception {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        rt.execute(() -> {
            try {
                TcpListener l = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
                l.accept(new AcceptCallback() {
                    @Override
                    public void accepted(TcpStream s) {
                        CallbackEcho.serve(s, 16 * 1024);
                        l.accept(this);
                    }

                    @Override
                    public void failed(Throwable error) {
                        // the listener closes with the runtime
                    }
                });
                bound.complete(l.localAddress());
            } catch (Exception e) {
                bound.completeExceptionally(e);
            }
        });
        return bound.get();
    }

    /** Ping-pong on the quiet connection for {@code durationNs}: each round trip in nanoseconds. */
    private static long[] pings(Socket quiet, long durationNs) throws IOException {
        quiet.setTcpNoDelay(true);
        quiet.setSoTimeout((int) STALL_MS);
        OutputStream out = quiet.getOutputStream();
        InputStream in = quiet.getInputStream();
        byte[] msg = new byte[QUIET_BYTES];
        long[] rtt = new long[1 << 16];
        int n = 0;
        long endNs = System.nanoTime() + durationNs;
        while (System.nanoTime() - endNs < 0 && n < rtt.length) {
            long t0 = System.nanoTime();
            out.write(msg);
            try {
                in.readNBytes(msg, 0, msg.length);
            } catch (SocketTimeoutException e) {
                rtt[n++] = STALL_MS * 1_000_000;
                break; // the loop is held: the flood never lets it go
            }
            rtt[n++] = System.nanoTime() - t0;
            LockSupport.parkNanos(1_000_000); // a quiet connection: about a thousand requests a second
        }
        return Arrays.copyOf(rtt, n);
    }

    private static double pct(long[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e3;
    }

    /** A client that writes as fast as it can and drains the echoes on a second thread. */
    private static final class Flood {
        private final Socket socket;
        private final Thread writer;
        private final Thread reader;
        private volatile boolean stop;

        Flood(InetSocketAddress at) throws IOException {
            socket = new Socket(at.getAddress(), at.getPort());
            writer = Thread.ofPlatform().daemon().name("flood-writer").start(this::write);
            reader = Thread.ofPlatform().daemon().name("flood-reader").start(this::drain);
        }

        private void write() {
            byte[] chunk = new byte[FLOOD_CHUNK];
            try (OutputStream out = socket.getOutputStream()) {
                while (!stop) {
                    out.write(chunk);
                }
                socket.shutdownOutput();
            } catch (IOException ignore) {
                // the server went away: the case is over
            }
        }

        private void drain() {
            byte[] sink = new byte[FLOOD_CHUNK];
            try (InputStream in = socket.getInputStream()) {
                while (in.read(sink) >= 0) {
                    continue;
                }
            } catch (IOException ignore) {
                // closed by stop()
            }
        }

        void stop() throws Exception {
            stop = true;
            writer.join(STALL_MS);
            reader.join(STALL_MS);
            socket.close();
        }
    }
}
