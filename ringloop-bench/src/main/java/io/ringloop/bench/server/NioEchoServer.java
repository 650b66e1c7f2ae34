package io.ringloop.bench.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * JDK selector echo server written the way a competent engineer would: one thread, non-blocking channels, a
 * direct buffer per connection, write straight back after each read, and only when the socket's send
 * buffer is full switch the key to OP_WRITE (and stop reading, which pushes back on the client) until the
 * backlog has drained.
 */
public final class NioEchoServer implements AutoCloseable {
    /** Holds the bandwidth scenario's 4 x 16 KiB in flight in one read. */
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread thread;
    private volatile boolean running = true;

    private NioEchoServer(Selector selector, ServerSocketChannel listener) {
        this.selector = selector;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("nio-echo").start(this::run);
    }

    public static void main(String[] args) throws Exception {
        ServerArgs parsed = ServerArgs.parse(args, "nio");
        NioEchoServer server = start(parsed.port());
        System.out.println("jdk-nio echo listening on " + server.port());
        ServerArgs.awaitShutdown(server);
    }

    /** Starts a server on loopback; {@code port} 0 picks a free port (see {@link #port()}). */
    public static NioEchoServer start(int port) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress("127.0.0.1", port), 1024);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            listener.close();
            selector.close();
            throw e;
        }
        return new NioEchoServer(selector, listener);
    }

    public int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void run() {
        try {
            while (running) {
                selector.select(this::handle);
            }
        } catch (IOException | ClosedSelectorException e) {
            if (running) {
                e.printStackTrace();
            }
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                accept();
            } else if (key.isWritable()) {
                drain(key);
            } else if (key.isReadable()) {
                echo(key);
            }
        } catch (IOException e) {
            closeQuietly(key);
        }
    }

    private void accept() throws IOException {
        // Accept everything queued: the 50-connection scenario connects in a burst.
        for (int i = 0; i < 256; i++) {
            SocketChannel channel = listener.accept();
            if (channel == null) {
                return;
            }
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(BUFFER_BYTES));
        }
    }

    private void echo(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        ByteBuffer buffer = (ByteBuffer) key.attachment();
        int n = channel.read(buffer);
        if (n < 0) {
            closeQuietly(key);
            return;
        }
        buffer.flip();
        channel.write(buffer);
        if (buffer.hasRemaining()) {
            // Keep the unsent bytes in read mode and stop reading until they are gone.
            key.interestOps(SelectionKey.OP_WRITE);
        } else {
            buffer.clear();
        }
    }

    /** Backed-up case: the buffer is in read mode holding unsent bytes. */
    private void drain(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        ByteBuffer buffer = (ByteBuffer) key.attachment();
        channel.write(buffer);
        if (!buffer.hasRemaining()) {
            buffer.clear();
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignore) {
            // the peer is gone; nothing to report to it
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(2_000);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
        listener.close();
    }
}
