package io.ringloop.cli.proxy;

import io.ringloop.Ringloop;
import io.ringloop.net.CopyException;
import io.ringloop.net.CopyMode;
import io.ringloop.net.CopyResult;
import io.ringloop.net.StreamCopy;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The TCP proxy behind {@code ringloop proxy}: a task per client connection (on the loop that accepted it)
 * connects to the target from the same loop, by name (resolved off the loop, Happy Eyeballs), and copies both
 * ways with {@link StreamCopy#copyBidirectional} until each side has closed. A target that cannot be reached,
 * or a side that resets, costs that connection one line on the error stream; the server goes on.
 */
public final class ProxyServer {
    /** A target that does not answer within this time fails the one connection that waits for it. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String toHost;
    private final int toPort;
    private final CopyMode mode;
    private final int bufferBytes;
    private final PrintStream errors;
    private final LongAdder connections = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    /**
     * @param mode        how bytes are copied ({@link CopyMode#AUTO}: the measured better)
     * @param bufferBytes per direction of a connection: a buffer, or a pipe for splice
     * @param errors      where each failed connection's one line goes
     */
    public ProxyServer(String toHost, int toPort, CopyMode mode, int bufferBytes, PrintStream errors) {
        this.toHost = toHost;
        this.toPort = toPort;
        this.mode = mode;
        this.bufferBytes = bufferBytes;
        this.errors = errors;
    }

    /** Serves on {@code address} ({@code threads > 1}: one SO_REUSEPORT listener per loop). */
    public TcpServer serve(Ringloop rt, InetSocketAddress address) throws IOException {
        return rt.serve(address, TcpServer.Spread.REUSE_PORT, this::proxy);
    }

    /** "host:port" of the target, for messages. */
    public String target() {
        return (toHost.indexOf(':') >= 0 ? "[" + toHost + "]" : toHost) + ":" + toPort;
    }

    /** Connections served so far, failed or not. */
    public long connections() {
        return connections.sum();
    }

    /** Connections that ended with an error line. */
    public long failures() {
        return failures.sum();
    }

    /** Bytes copied by connections that have ended, both directions. */
    public long bytes() {
        return bytes.sum();
    }

    private void proxy(TcpStream client) {
        connections.increment();
        String from = peer(client);
        TcpStream upstream;
        try {
            upstream = TcpStream.connect(toHost, toPort, CONNECT_TIMEOUT);
        } catch (IOException e) {
            fail(from + " -> " + target() + ": " + oneLine(e));
            return;
        }
        try (upstream) {
            client.setNoDelay(true);
            upstream.setNoDelay(true);
            CopyResult r = StreamCopy.copyBidirectional(client, upstream, mode, bufferBytes);
            bytes.add(r.total());
        } catch (CopyException e) {
            bytes.add(e.result().total());
            fail(from + " -> " + target() + ": " + (e.fromA() ? "client side" : "target side") + " failed after "
                    + e.result().aToB() + " bytes up, " + e.result().bToA() + " down: " + oneLine(e.getCause()));
        } catch (InterruptedIOException e) {
            // The server is shutting down past its drain: its own closing line says so, not one per connection.
        } catch (IOException e) {
            fail(from + " -> " + target() + ": " + oneLine(e));
        }
    }

    private static String peer(TcpStream s) {
        try {
            InetSocketAddress a = s.peerAddress();
            return a.getAddress().getHostAddress() + ":" + a.getPort();
        } catch (IOException e) {
            return "a client (" + oneLine(e) + ")"; // reset before we asked
        }
    }

    private void fail(String line) {
        failures.increment();
        errors.println("ringloop proxy: " + line);
    }

    /** An exception's message on one line (a failure listing several addresses spans lines). */
    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s*\\R\\s*", "; ");
    }
}
