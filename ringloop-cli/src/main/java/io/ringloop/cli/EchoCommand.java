package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.AcceptCallback;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringloop echo}: a TCP echo server, in either task style (a virtual thread per connection, plain
 * blocking code) or callback style (no virtual threads, nothing allocated per message). Serves until SIGINT
 * or SIGTERM, then closes every connection and exits 0.
 */
@Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run a TCP echo server until SIGINT/SIGTERM.")
public final class EchoCommand implements Callable<Integer> {
    /** Per-connection buffer; set from --buffer-kib before any connection is served. */
    private static int bufferBytes = 64 * 1024;

    @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free port)")
    int port = 7000;

    @Option(names = "--host", description = "address to bind (default: ${DEFAULT-VALUE})")
    String host = "0.0.0.0";

    @Option(names = "--backend", description = "auto, io_uring, epoll or nio (default: ${DEFAULT-VALUE})")
    String backend = "auto";

    @Option(names = "--threads", description = "event loops; >1 binds one SO_REUSEPORT listener per loop "
            + "(default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(names = "--style", description = "task (virtual thread per connection on the loop), stealing "
            + "(virtual threads on the JDK's work-stealing pool, I/O on the loop) or callback "
            + "(default: ${DEFAULT-VALUE})")
    String style = "task";

    @Option(names = "--buffer-kib", description = "per-connection buffer in KiB (default: ${DEFAULT-VALUE})")
    int bufferKib = 64;

    @Option(names = "--zero-copy-kib", description = "io_uring: SEND_ZC for writes of at least this many KiB "
            + "(default: ${DEFAULT-VALUE} = never)")
    int zeroCopyKib;

    @Option(names = "--multishot-receive", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "io_uring: heap reads that wait arm a multishot RECV (default: ${DEFAULT-VALUE})")
    boolean multishotReceive;

    @Option(names = "--fixed-files-after", description = "io_uring: register a connection as a fixed file after "
            + "this many transfers, 0 = never (default: ${DEFAULT-VALUE})")
    int fixedFilesAfter = 64;

    @Option(names = "--heap", description = "task style: echo through a byte[] instead of native memory "
            + "(default: ${DEFAULT-VALUE})")
    boolean heap;

    private static boolean heapBuffers;

    @Option(names = "--pin", description = "pin loop i to CPU i (default: ${DEFAULT-VALUE})")
    boolean pin;

    @Override
    public Integer call() throws Exception {
        bufferBytes = bufferKib * 1024;
        heapBuffers = heap;
        String chosen = style.toLowerCase(Locale.ROOT);
        boolean callback = switch (chosen) {
            case "task", "stealing" -> false;
            case "callback" -> true;
            default -> throw new IllegalArgumentException("--style must be task, stealing or callback: " + style);
        };
        boolean stealing = chosen.equals("stealing");
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM);
        try (Ringloop rt = Ringloop.builder().backend(parseBackend(backend)).threads(threads).pinCpus(pin)
                .workStealing(stealing).zeroCopyWritesAbove(zeroCopyKib * 1024L)
                .multishotReceive(multishotReceive).fixedFilesAfter(fixedFilesAfter).name("echo").start()) {
            InetSocketAddress address = new InetSocketAddress(host, port);
            InetSocketAddress bound;
            if (callback) {
                bound = null;
                for (int i = 0; i < threads; i++) {
                    TcpListener l = TcpListener.builder().loop(rt.loop(i)).reusePort(threads > 1).bind(address);
                    rt.loop(i).execute(() -> acceptLoop(l));
                    address = l.localAddress(); // port 0: the other loops share the port the first one got
                    bound = bound == null ? address : bound;
                }
            } else {
                bound = rt.serve(address, TcpServer.Spread.REUSE_PORT, EchoCommand::echo).localAddress();
            }
            System.out.printf("ringloop echo on %s: backend %s, %d loop(s), %s style%n",
                    bound, rt.backendName(), threads, chosen);
            if (!callback) {
                System.out.println("  " + Tasks.mode());
            }
            System.out.flush();
            Signal s = stop.await();
            StringBuilder stats = new StringBuilder();
            for (int i = 0; i < threads; i++) {
                stats.append(String.format(" loop %d: %d turns, %d %s calls, %d wake-ups;", i,
                        rt.loop(i).turns(), rt.loop(i).waitCalls(),
                        rt.backendName().equals("io_uring") ? "io_uring_enter" : "wait", rt.loop(i).wakeupCount()));
            }
            System.out.println("ringloop echo: SIG" + s + ", closing every connection." + stats);
        }
        return 0;
    }

    static Backend parseBackend(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "auto" -> Backend.AUTO;
            case "io_uring", "iouring", "uring" -> Backend.IO_URING;
            case "epoll" -> Backend.EPOLL;
            case "nio" -> Backend.NIO;
            default -> throw new IllegalArgumentException("--backend must be auto, io_uring, epoll or nio: " + name);
        };
    }

    // ---- task style: straight-line blocking code, one virtual thread per connection ----

    private static void echo(TcpStream s) throws IOException {
        echo(s, bufferBytes, heapBuffers);
    }

    /** Echoes until the peer's end of stream through a {@code bytes} buffer: a byte[] when {@code heap}. */
    static void echo(TcpStream s, int bytes, boolean heap) throws IOException {
        s.setNoDelay(true);
        if (heap) {
            byte[] buf = new byte[bytes];
            int n;
            while ((n = s.read(buf, 0, bytes)) > 0) {
                s.writeAll(buf, 0, n);
            }
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(bytes);
            int n;
            while ((n = s.read(buf, 0, bytes)) > 0) {
                s.writeAll(buf, 0, n);
            }
        }
    }

    // ---- callback style: on the loop thread, no virtual threads ----

    private static void acceptLoop(TcpListener listener) {
        listener.accept(new AcceptCallback() {
            @Override
            public void accepted(TcpStream stream) {
                CallbackEcho.serve(stream, bufferBytes);
                listener.accept(this);
            }

            @Override
            public void failed(Throwable error) {
                if (listener.isOpen() && !listener.loop().isShutdown()) {
                    System.err.println("accept failed: " + error);
                    listener.accept(this);
                }
            }
        });
    }
}
