package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.frame.FrameOptions;
import io.ringloop.frame.FrameServer;
import io.ringloop.net.ByteStream;
import io.ringloop.task.Tasks;
import io.ringloop.tls.TlsConfig;
import io.ringloop.unix.UnixAddress;
import io.ringloop.unix.UnixListener;
import io.ringloop.unix.UnixStream;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ringloop echo --unix PATH} (or {@code @NAME}, an abstract name): the echo on a Unix domain socket in every
 * style: task and stealing (a task per connection, through a {@link io.ringloop.tls.TlsStream} over the Unix stream
 * with {@code --tls}), callback (a callback accept and a callback echo on the loop thread, TLS's callback style with
 * {@code --tls}) and framing ({@link FrameServer} on the Unix address with the {@link FramingEcho} handler, TLS
 * under the framing API with {@code --tls}). One loop (Unix sockets have no SO_REUSEPORT spread); a stale socket
 * file left by a server that crashed is removed, a live server's is reported. Its file is removed when the server
 * closes.
 */
final class EchoUnix {
    private EchoUnix() {
    }

    /** Why {@code --unix} cannot serve with these options, or null when it can. */
    static String refusal(int threads) {
        if (threads != 1) {
            return "--unix serves on one loop (Unix sockets have no SO_REUSEPORT spread): drop --threads";
        }
        return null;
    }

    /**
     * Binds {@code address} on loop 0 and serves echo there in {@code style} (task style through a {@code bytes}
     * buffer, a byte[] when {@code heap}), through TLS when {@code tls} is not null. Returns what stops the server
     * and removes its socket file.
     */
    static Closeable serve(Ringloop rt, UnixAddress address, int bufferBytes, boolean heap, EchoCommand.Style style,
            TlsConfig tls) throws IOException {
        if (style == EchoCommand.Style.FRAMING) {
            FrameServer framing = FrameServer.builder().loops(List.of(rt.loop(0))).removeStale(true)
                    .options(FrameOptions.DEFAULTS.withTls(tls)).start(address, FramingEcho::new);
            return framing::close;
        }
        UnixListener listener = staleListener(rt, address);
        if (style == EchoCommand.Style.CALLBACK) {
            rt.loop(0).execute(() -> CallbackAccepts.start(listener, bufferBytes, tls));
        } else {
            spawnAcceptor(rt, listener, bufferBytes, heap, style == EchoCommand.Style.STEALING, tls);
        }
        return listener::close;
    }

    /** A listener on loop 0 that replaces a stale socket file. */
    private static UnixListener staleListener(Ringloop rt, UnixAddress address) throws IOException {
        return UnixListener.builder().loop(rt.loop(0)).removeStale(true).bind(address);
    }

    /** Task style: a task per connection, on the work-stealing pool if so. */
    private static void spawnAcceptor(Ringloop rt, UnixListener listener, int bufferBytes, boolean heap,
            boolean stealing, TlsConfig tls) {
        rt.spawnOn(0, () -> {
            try {
                while (true) {
                    UnixStream s = listener.accept();
                    Callable<Void> connection = () -> {
                        if (tls != null) {
                            EchoTls.echo(s, tls, bufferBytes);
                        } else {
                            try (s) {
                                echo(s, bufferBytes, heap);
                            }
                        }
                        return null;
                    };
                    // A failure (a peer's reset) goes to the loop's uncaught-failure handler: logged.
                    if (stealing) {
                        Tasks.spawnStealing(rt.loop(0), connection);
                    } else {
                        Tasks.spawn(rt.loop(0), connection);
                    }
                }
            } catch (ClosedChannelException e) {
                return null; // the listener closed: shutting down
            }
        });
    }

    /**
     * Echoes until the peer's end of stream through a {@code bytes} buffer, a byte[] when {@code heap}: any stream
     * (the TCP echo sets TCP_NODELAY, then comes here).
     */
    static void echo(ByteStream s, int bytes, boolean heap) throws IOException {
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
}
