package io.ringloop.bench.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * JDK virtual threads with java.net sockets: one virtual thread per connection doing blocking
 * read-then-write. The orchestrator starts it with {@code -Djdk.virtualThreadScheduler.parallelism=1} so
 * the scheduler gets one core like every other server.
 */
public final class VirtualThreadEchoServer implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final ServerSocket listener;
    private final Thread acceptor;

    private VirtualThreadEchoServer(ServerSocket listener) {
        this.listener = listener;
        this.acceptor = Thread.ofVirtual().name("vt-echo-accept").start(this::acceptLoop);
    }

    public static void main(String[] args) throws Exception {
        ServerArgs parsed = ServerArgs.parse(args, "vthreads");
        VirtualThreadEchoServer server = start(parsed.port());
        System.out.println("jdk-vthreads echo listening on " + server.port());
        ServerArgs.awaitShutdown(server);
    }

    /** Starts a server on loopback; {@code port} 0 picks a free port (see {@link #port()}). */
    public static VirtualThreadEchoServer start(int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        return new VirtualThreadEchoServer(listener);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    e.printStackTrace();
                }
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[BUFFER_BYTES];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException ignore) {
            // connection reset by the generator at the end of a run
        } catch (IOException e) {
            System.err.println("echo connection failed: " + e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        acceptor.join(2_000);
    }
}
