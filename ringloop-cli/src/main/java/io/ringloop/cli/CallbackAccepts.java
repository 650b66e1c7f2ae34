package io.ringloop.cli;

import io.ringloop.net.AcceptCallback;
import io.ringloop.net.CallbackStream;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.tls.TlsConfig;
import io.ringloop.unix.UnixAcceptCallback;
import io.ringloop.unix.UnixListener;
import io.ringloop.unix.UnixStream;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code ringloop echo --style callback}'s accept loop, on the listener's loop thread, for a TCP or a Unix
 * listener alike: each connection is echoed by callbacks ({@link CallbackEcho}, or {@link EchoTls} when TLS is on)
 * and the next accept starts; a failed accept is one line on stderr and is tried again while the listener serves
 * (its close, or the loop's shutdown, ends the loop quietly).
 */
final class CallbackAccepts implements AcceptCallback, UnixAcceptCallback {
    private final int bufferBytes;
    private final TlsConfig tls;
    /** Starts the next accept of the listener with the given callback (this object). */
    private final Consumer<CallbackAccepts> acceptNext;
    /** Whether the listener still serves: open, on a loop that is not shutting down. */
    private final BooleanSupplier serving;

    private CallbackAccepts(int bufferBytes, TlsConfig tls, Consumer<CallbackAccepts> acceptNext,
            BooleanSupplier serving) {
        this.bufferBytes = bufferBytes;
        this.tls = tls;
        this.acceptNext = acceptNext;
        this.serving = serving;
    }

    /** On {@code listener}'s loop thread: accepts and echoes until it closes, through TLS when {@code tls} is set. */
    static void start(TcpListener listener, int bufferBytes, TlsConfig tls) {
        new CallbackAccepts(bufferBytes, tls, c -> listener.accept((AcceptCallback) c),
                () -> listener.isOpen() && !listener.loop().isShutdown()).acceptNext();
    }

    /** {@link #start(TcpListener, int, TlsConfig)} for a Unix listener. */
    static void start(UnixListener listener, int bufferBytes, TlsConfig tls) {
        new CallbackAccepts(bufferBytes, tls, c -> listener.accept((UnixAcceptCallback) c),
                () -> listener.isOpen() && !listener.loop().isShutdown()).acceptNext();
    }

    @Override
    public void accepted(TcpStream stream) {
        serve(stream);
    }

    @Override
    public void accepted(UnixStream stream) {
        serve(stream);
    }

    private void serve(CallbackStream stream) {
        if (tls != null) {
            EchoTls.serveCallbacks(stream, tls, bufferBytes);
        } else {
            CallbackEcho.serve(stream, bufferBytes);
        }
        acceptNext();
    }

    private void acceptNext() {
        acceptNext.accept(this);
    }

    @Override
    public void failed(Throwable error) {
        if (serving.getAsBoolean()) {
            System.err.println("accept failed: " + error);
            acceptNext();
        }
    }
}
