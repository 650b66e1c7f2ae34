package io.ringloop.cli;

import io.ringloop.Ringloop;
import io.ringloop.net.ByteStream;
import io.ringloop.task.Tasks;
import io.ringloop.tls.TlsConfig;
import io.ringloop.unix.UnixAddress;
import io.ringloop.unix.UnixListener;
import io.ringloop.unix.UnixStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ringloop echo --unix PATH} (or {@code @NAME}, an abstract name): the echo on a Unix domain socket, task
 * style, and with {@code --tls} through a {@link io.ringloop.tls.TlsStream} over the Unix stream. One listener on the first loop
 * (Unix sockets have no SO_REUSEPORT spread); a stale socket file left by a server that crashed is removed, a live
 * server's is reported. Its file is removed when the runtime closes.
 */
final class EchoUnix {
    private EchoUnix() {
    }

    /** Why {@code --unix} cannot serve with these options, or null when it can. */
    static String refusal(EchoCommand.Style style, int threads) {
        if (style == EchoCommand.Style.CALLBACK || style == EchoCommand.Style.FRAMING) {
            return "--unix serves the task and stealing styles, not " + style.name().toLowerCase(Locale.ROOT);
        }
        if (threads != 1) {
            return "--unix serves on one loop (Unix sockets have no SO_REUSEPORT spread): drop --threads";
        }
        return null;
    }

    /**
     * Binds {@code path} on loop 0 and serves echo there (a task per connection, on the work-stealing pool if
     * so), through TLS when {@code tls} is not null.
     */
    static UnixListener serve(Ringloop rt, UnixAddress address, int bufferBytes, boolean heap, boolean stealing,
            TlsConfig tls) throws IOException {
        UnixListener listener = UnixListener.builder().loop(rt.loop(0)).removeStale(true).bind(address);
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
        return listener;
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
