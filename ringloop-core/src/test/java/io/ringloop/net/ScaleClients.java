package io.ringloop.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@link TcpScaleTest}, run in its own JVM: a process here may hold 20,000 descriptors
 * ({@code ulimit -Hn}) and 10,000 connections need that many at each end. Plain NIO on one selector thread, so
 * the code under test is only the server; every connection sends messages of random sizes and checks every byte
 * of the echo against the stream's generator ({@link #word}), so no sent bytes are kept.
 *
 * <p>Talks with the test over stdin/stdout, one line each way per phase, so the server is measured while every
 * connection is idle (parked in a read), the same state at both measuring points:
 * <pre>
 *   child: WARM messages bytes     every connection is open and did its warm-up rounds
 *   test:  GO
 *   child: DONE messages bytes     every connection did its measured rounds
 *   test:  CLOSE
 *   child: CLOSED                  every connection is closed; exits 0
 * </pre>
 * Any mismatch, unexpected end of stream, I/O error or a phase over its deadline prints {@code FAIL reason} and
 * exits 1.
 *
 * <p>Arguments: port connections warmupRounds measuredRounds seed phaseTimeoutSeconds.
 */
public final class ScaleClients {
    /** Pending non-blocking connects at once: well under the listener's backlog, so no SYN is dropped. */
    private static final int CONNECTS_IN_FLIGHT = 256;
    private static final int SMALL_MESSAGE_MAX = 1024;
    private static final int LARGE_MESSAGE_MAX = 16 * 1024;

    private final InetSocketAddress server;
    private final Conn[] conns;
    private final long seed;
    private final long phaseTimeoutNs;
    private final Selector selector;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private int connectsStarted;
    private int connectsPending;
    private int idle;
    private int roundsPerPhase;
    private long messages;
    private long bytes;

    /** One connection: the stream offsets of its current message. */
    private static final class Conn {
        final int id;
        final SocketChannel channel;
        final SplittableRandom sizes;
        SelectionKey key;
        long sent;
        long received;
        long messageEnd;
        int messageSize;
        int roundsLeft;

        Conn(int id, SocketChannel channel, long seed) {
            this.id = id;
            this.channel = channel;
            this.sizes = new SplittableRandom(seed * 31 + id);
        }
    }

    private ScaleClients(InetSocketAddress server, int connections, long seed, long phaseTimeoutNs)
            throws IOException {
        this.server = server;
        this.conns = new Conn[connections];
        this.seed = seed;
        this.phaseTimeoutNs = phaseTimeoutNs;
        this.selector = Selector.open();
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        int connections = Integer.parseInt(args[1]);
        int warmupRounds = Integer.parseInt(args[2]);
        int measuredRounds = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        long phaseTimeoutNs = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
        ScaleClients clients = new ScaleClients(server, connections, seed, phaseTimeoutNs);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            clients.runPhase("warm-up", warmupRounds);
            clients.out.println("WARM " + clients.messages + " " + clients.bytes);
            expect(in, "GO");
            clients.runPhase("measured", measuredRounds);
            clients.out.println("DONE " + clients.messages + " " + clients.bytes);
            expect(in, "CLOSE");
            clients.closeAll();
            clients.out.println("CLOSED");
        } catch (IOException | RuntimeException e) {
            clients.out.println("FAIL " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private static void expect(BufferedReader in, String command) throws IOException {
        String line = in.readLine();
        if (!command.equals(line)) {
            throw new IOException("expected " + command + " from the test, got " + line);
        }
    }

    /** Opens any connection not yet open, then runs {@code rounds} messages on each until all are idle. */
    private void runPhase(String phase, int rounds) throws IOException {
        long deadlineNs = System.nanoTime() + phaseTimeoutNs;
        roundsPerPhase = rounds;
        idle = 0;
        for (Conn c : conns) {
            if (c != null) {
                startPhase(c);
            }
        }
        long startNs = System.nanoTime();
        boolean allConnected = connectsStarted == conns.length && connectsPending == 0;
        while (idle < conns.length) {
            if (!allConnected && connectsStarted == conns.length && connectsPending == 0) {
                allConnected = true;
                System.err.printf("%s: %d connections open after %d ms%n", phase, conns.length,
                        (System.nanoTime() - startNs) / 1_000_000);
            }
            startConnects();
            selector.select(this::ready, 1000);
            if (System.nanoTime() - deadlineNs > 0) {
                throw new IOException(phase + " phase over " + TimeUnit.NANOSECONDS.toSeconds(phaseTimeoutNs)
                        + " s: " + connectsStarted + " connects started, " + connectsPending + " pending, " + idle
                        + " of " + conns.length + " connections done, " + messages + " messages");
            }
        }
        System.err.printf("%s: %d rounds on every connection after %d ms%n", phase, rounds,
                (System.nanoTime() - startNs) / 1_000_000);
    }

    private void startConnects() throws IOException {
        while (connectsStarted < conns.length && connectsPending < CONNECTS_IN_FLIGHT) {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(connectsStarted, channel, seed);
            conns[connectsStarted++] = c;
            c.key = channel.register(selector, 0, c);
            if (channel.connect(server)) {
                startPhase(c);
            } else {
                connectsPending++;
                c.key.interestOps(SelectionKey.OP_CONNECT);
            }
        }
    }

    private void ready(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            if (key.isConnectable()) {
                c.channel.finishConnect();
                connectsPending--;
                startPhase(c);
                return;
            }
            if (key.isWritable()) {
                writeMore(c);
            }
            if (key.isReadable()) {
                readMore(c);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("connection " + c.id + " (" + c.sent + " bytes sent, "
                    + c.received + " received): " + e.getMessage(), e);
        }
    }

    private void startPhase(Conn c) throws IOException {
        c.roundsLeft = roundsPerPhase;
        startRound(c);
    }

    private void startRound(Conn c) throws IOException {
        int size = c.sizes.nextInt(8) == 0 ? 1 + c.sizes.nextInt(LARGE_MESSAGE_MAX)
                : 1 + c.sizes.nextInt(SMALL_MESSAGE_MAX);
        c.messageSize = size;
        c.messageEnd = c.sent + size;
        c.key.interestOps(SelectionKey.OP_READ);
        writeMore(c);
    }

    private void writeMore(Conn c) throws IOException {
        while (c.sent < c.messageEnd) {
            int length = (int) Math.min(scratch.capacity(), c.messageEnd - c.sent);
            scratch.clear();
            fill(scratch, c.id, c.sent, length);
            scratch.flip();
            int n = c.channel.write(scratch);
            c.sent += n;
            if (n < length) {
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE); // socket buffer full
                return;
            }
        }
        c.key.interestOps(SelectionKey.OP_READ);
    }

    private void readMore(Conn c) throws IOException {
        while (true) {
            scratch.clear();
            int n = c.channel.read(scratch);
            if (n == 0) {
                return;
            }
            if (n < 0) {
                throw new IOException("end of stream with " + (c.messageEnd - c.received)
                        + " bytes of the message still to come");
            }
            if (c.received + n > c.sent) {
                throw new IOException((c.received + n - c.sent) + " bytes echoed beyond what was sent");
            }
            check(c, n);
            c.received += n;
            if (c.received == c.messageEnd) {
                messages++;
                bytes += c.messageSize;
                if (--c.roundsLeft > 0) {
                    startRound(c);
                } else {
                    c.key.interestOps(0);
                    idle++;
                    return;
                }
            }
        }
    }

    /** Compares the {@code n} bytes just read into {@code scratch} with what connection {@code c} sent. */
    private void check(Conn c, int n) throws IOException {
        long word = 0;
        for (int i = 0; i < n; i++) {
            long at = c.received + i;
            if (i == 0 || (at & 7) == 0) {
                word = word(c.id, at);
            }
            byte want = (byte) (word >>> ((at & 7) << 3));
            if (scratch.get(i) != want) {
                throw new IOException("byte at stream offset " + at + " is " + scratch.get(i) + ", sent " + want);
            }
        }
    }

    private void closeAll() throws IOException {
        for (Conn c : conns) {
            c.channel.close();
        }
        selector.close();
    }

    /** Writes bytes {@code [offset, offset + length)} of connection {@code id}'s stream into {@code dst}. */
    private static void fill(ByteBuffer dst, int id, long offset, int length) {
        long word = 0;
        for (int i = 0; i < length; i++) {
            long at = offset + i;
            if (i == 0 || (at & 7) == 0) {
                word = word(id, at);
            }
            dst.put((byte) (word >>> ((at & 7) << 3)));
        }
    }

    /** SplitMix64's finalizer over (connection, 8-byte word index): every stream differs, and so every word. */
    private static long word(int id, long offset) {
        long z = ((long) id << 40 ^ offset >>> 3) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
