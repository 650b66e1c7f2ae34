package io.ringloop.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Holds N idle connections to an echo server, for {@code src/main/sh/idle-rss.sh}: opens them (at most
 * {@link #CONNECTS_IN_FLIGHT} connects at a time, so the listener's backlog never drops a SYN), sends one byte on
 * each and waits for its echo, so the server has accepted every connection and its handler is waiting for the
 * next read; prints {@code READY n} and holds them until its stdin ends, then closes them and exits 0.
 * Failures print {@code FAILED reason} and exit 1.
 *
 * <p>Arguments: port connections [host]. Plain NIO on one selector thread: the server is the one measured.
 */
public final class IdleClients {
    private static final int CONNECTS_IN_FLIGHT = 256;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);

    private IdleClients() {
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress server = new InetSocketAddress(args.length > 2 ? args[2] : "127.0.0.1",
                Integer.parseInt(args[0]));
        int connections = Integer.parseInt(args[1]);
        List<SocketChannel> open = new ArrayList<>(connections);
        try (Selector selector = Selector.open()) {
            openAll(selector, server, connections, open);
            System.out.println("READY " + open.size());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the connections until stdin ends (the script closes it or the process is killed)
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("FAILED " + e);
            System.exit(1);
        } finally {
            for (SocketChannel c : open) {
                c.close();
            }
        }
        System.exit(0);
    }

    private static void openAll(Selector selector, InetSocketAddress server, int connections,
                                List<SocketChannel> open) throws IOException {
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        int started = 0;
        int pending = 0;
        int echoed = 0;
        while (echoed < connections) {
            while (started < connections && pending < CONNECTS_IN_FLIGHT) {
                SocketChannel c = SocketChannel.open();
                open.add(c);
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.connect(server);
                c.register(selector, SelectionKey.OP_CONNECT);
                started++;
                pending++;
            }
            selector.select(1000);
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel c = (SocketChannel) key.channel();
                if (key.isConnectable()) {
                    c.finishConnect();
                    one.clear().put((byte) 42).flip();
                    if (c.write(one) != 1) {
                        throw new IOException("one byte did not fit in a new socket's send buffer");
                    }
                    key.interestOps(SelectionKey.OP_READ);
                } else if (key.isReadable()) {
                    one.clear();
                    int n = c.read(one);
                    if (n < 0) {
                        throw new IOException("the server closed connection " + echoed + " before echoing");
                    }
                    if (n == 1) {
                        key.cancel(); // idle from now on: no interest, nothing more to read
                        pending--;
                        echoed++;
                    }
                }
            }
            selector.selectedKeys().clear();
            if (System.nanoTime() - deadlineNs > 0) {
                throw new IOException("only " + echoed + " of " + connections + " connections echoed within "
                        + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NS) + " s (" + started + " started)");
            }
        }
    }
}
