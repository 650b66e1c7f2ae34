package io.ringloop.cli;

import io.ringloop.net.TcpStream;
import io.ringloop.time.Time;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * One connection slot of {@code ringloop soak}, as a task on the client runtime: connects, exchanges a random
 * number of messages of random sizes (each written whole, then read back whole and checked), closes, and
 * connects again, until the run stops. Even connection ids go through {@code byte[]}, odd ones through native
 * memory, so both paths of every backend are soaked.
 *
 * <p>A connection's bytes are a function of (connection id, stream offset) ({@link #word}), so the echo is
 * checked as it arrives and nothing sent is kept. Messages go out and come back in {@link #CHUNK_BYTES} pieces
 * through two buffers per slot; a message is at most {@link #MAX_MESSAGE_BYTES}, so it always fits in the
 * loopback socket buffers on its way back while the client is still writing it (no deadlock in ping-pong).
 */
final class SoakClient {
    static final int CHUNK_BYTES = 16 * 1024;
    static final int MAX_MESSAGE_BYTES = 64 * 1024;
    private static final Duration CONNECT_RETRY = Duration.ofMillis(100);

    private final InetSocketAddress server;
    private final SoakStats stats;
    private final SplittableRandom random;
    private final int maxMessageBytes;
    private final int maxMessagesPerConnection;
    private final byte[] out = new byte[CHUNK_BYTES];
    private final byte[] in = new byte[CHUNK_BYTES];

    SoakClient(InetSocketAddress server, SoakStats stats, long seed, int maxMessageBytes,
               int maxMessagesPerConnection) {
        this.server = server;
        this.stats = stats;
        this.random = new SplittableRandom(seed);
        this.maxMessageBytes = maxMessageBytes;
        this.maxMessagesPerConnection = maxMessagesPerConnection;
    }

    /** The task: connections one after another until the run stops. */
    Void run() throws InterruptedException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment segment = arena.allocate(CHUNK_BYTES);
            while (!stats.stopping()) {
                if (!connection(stats.nextConnectionId(), segment)) {
                    Time.sleep(CONNECT_RETRY); // a refused connect is counted; retrying at once would only spin
                }
            }
        }
        return null;
    }

    /** One connection's life; false if it could not connect. */
    private boolean connection(long id, MemorySegment segment) {
        int messages = 1 + random.nextInt(maxMessagesPerConnection);
        TcpStream stream;
        try {
            stream = TcpStream.connect(server);
        } catch (IOException e) {
            stats.error("connect " + id + " to " + server + ": " + e.getMessage());
            return false;
        }
        stats.connectionOpened();
        long offset = 0;
        try (stream) {
            stream.setNoDelay(true); // else Nagle holds a message's last piece for the server's delayed ACK
            for (int m = 0; m < messages && !stats.stopping(); m++) {
                int size = messageSize();
                exchange(stream, id, offset, size, (id & 1) == 0 ? null : segment);
                offset += size;
                stats.message(size);
            }
        } catch (Mismatch e) {
            stats.mismatch("connection " + id + ": " + e.getMessage());
        } catch (IOException e) {
            stats.error("connection " + id + " at offset " + offset + ": " + e.getMessage());
        } finally {
            stats.connectionClosed();
        }
        return true;
    }

    /** Half the messages up to 256 B, a third up to 4 KiB, the rest up to the maximum. */
    private int messageSize() {
        int kind = random.nextInt(6);
        int limit = kind < 3 ? 256 : kind < 5 ? 4096 : maxMessageBytes;
        return 1 + random.nextInt(Math.min(limit, maxMessageBytes));
    }

    /** Writes bytes [offset, offset + size) of connection {@code id}, reads them back and checks each. */
    private void exchange(TcpStream stream, long id, long offset, int size, MemorySegment segment)
            throws IOException {
        for (int done = 0; done < size; ) {
            int n = Math.min(CHUNK_BYTES, size - done);
            fill(out, id, offset + done, n);
            if (segment == null) {
                stream.writeAll(out, 0, n);
            } else {
                MemorySegment.copy(out, 0, segment, ValueLayout.JAVA_BYTE, 0, n);
                stream.writeAll(segment, 0, n);
            }
            done += n;
        }
        for (int got = 0; got < size; ) {
            int want = Math.min(CHUNK_BYTES, size - got);
            int n;
            if (segment == null) {
                n = stream.read(in, 0, want);
            } else {
                n = stream.read(segment, 0, want);
                if (n > 0) {
                    MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, 0, in, 0, n);
                }
            }
            if (n < 0) {
                throw new IOException("end of stream with " + (size - got) + " bytes of a " + size
                        + "-byte message still to come");
            }
            check(in, n, id, offset + got);
            got += n;
        }
    }

    /** Bytes [offset, offset + length) of connection {@code id}'s stream, into {@code dst[0..length)}. */
    static void fill(byte[] dst, long id, long offset, int length) {
        long word = 0;
        for (int i = 0; i < length; i++) {
            long at = offset + i;
            if (i == 0 || (at & 7) == 0) {
                word = word(id, at);
            }
            dst[i] = (byte) (word >>> ((at & 7) << 3));
        }
    }

    private static void check(byte[] got, int length, long id, long offset) throws Mismatch {
        long word = 0;
        for (int i = 0; i < length; i++) {
            long at = offset + i;
            if (i == 0 || (at & 7) == 0) {
                word = word(id, at);
            }
            byte want = (byte) (word >>> ((at & 7) << 3));
            if (got[i] != want) {
                throw new Mismatch("byte at stream offset " + at + " came back as " + got[i] + ", sent " + want);
            }
        }
    }

    /** SplitMix64's finalizer over (connection id, 8-byte word index): every connection's stream differs. */
    private static long word(long id, long offset) {
        long z = (id * 0x9E3779B97F4A7C15L ^ offset >>> 3) + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** An echoed byte that differs from the one sent. */
    static final class Mismatch extends IOException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }
}
