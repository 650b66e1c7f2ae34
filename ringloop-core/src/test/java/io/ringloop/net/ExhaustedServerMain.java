package io.ringloop.net;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server {@link AcceptExhaustionTest} runs in a child JVM with a low descriptor limit: a one-loop echo
 * server in the task style ({@code TcpServer}) or the callback style ({@code TcpListener.accept(callback)}).
 * Prints {@code port N} when it listens, then serves until its standard input closes.
 *
 * <p>Usage: {@code ExhaustedServerMain <io_uring|epoll|nio> <task|callback>}.
 */
public final class ExhaustedServerMain {
    private ExhaustedServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Backend backend = switch (args[0]) {
            case "io_uring" -> Backend.IO_URING;
            case "epoll" -> Backend.EPOLL;
            default -> Backend.NIO;
        };
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start(); Arena arena = Arena.ofShared()) {
            InetSocketAddress bound;
            if (args[1].equals("task")) {
                bound = rt.serve(any, ExhaustedServerMain::echo).localAddress();
            } else {
                CompletableFuture<TcpListener> listener = new CompletableFuture<>();
                rt.loop(0).execute(() -> {
                    try {
                        TcpListener l = TcpListener.builder().loop(rt.loop(0)).bind(any);
                        acceptNext(l, arena);
                        listener.complete(l);
                    } catch (IOException | RuntimeException e) {
                        listener.completeExceptionally(e);
                    }
                });
                bound = listener.get(10, TimeUnit.SECONDS).localAddress();
            }
            System.out.println("port " + bound.getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our standard input
            }
        }
    }

    private static void echo(TcpStream s) throws IOException {
        byte[] buf = new byte[512];
        int n;
        while ((n = s.read(buf)) > 0) {
            s.writeAll(buf, 0, n);
        }
    }

    private static void acceptNext(TcpListener l, Arena arena) {
        l.accept(new AcceptCallback() {
            @Override
            public void accepted(TcpStream s) {
                CallbackEcho.start(s, arena.allocate(512));
                acceptNext(l, arena);
            }

            @Override
            public void failed(Throwable error) {
                System.err.println("accept failed: " + error);
                if (l.isOpen()) {
                    acceptNext(l, arena); // the old behaviour on EMFILE: fail, retry, fail...
                }
            }
        });
    }
}
