package io.ringloop.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpStream;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** 16 MiB each way between two TlsStreams, byte for byte, every backend. */
@Timeout(60)
class TlsTransferTest {
    private static final int TOTAL = 16 << 20;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEcho16MiBWhileWritingFromAnotherTaskThenCloseBothWays(Backend backend) throws Exception {
        TestCerts c = TestCerts.get();
        TlsConfig server = TlsConfig.server(c.localhost(), c.localhostKey()).build();
        TlsConfig client = TlsConfig.client().trust(c.ca()).build();
        try (Ringloop rt = TlsTesting.runtime(backend)) {
            // The server echoes through native memory larger than a record (decrypted in place) ...
            var served = TlsTesting.serve(rt, server, 1, s -> {
                try (Arena arena = Arena.ofShared()) {
                    MemorySegment buf = arena.allocate(64 * 1024);
                    long total = 0;
                    int n;
                    while ((n = s.read(buf, 0, (int) buf.byteSize())) > 0) {
                        s.writeAll(buf, 0, n);
                        total += n;
                    }
                    return total;
                }
            });
            // ... the client writes odd-sized chunks from one task and reads through a small byte[] in another.
            long checked = rt.blockOn(() -> {
                InetSocketAddress at = new InetSocketAddress("127.0.0.1", served.port());
                try (TlsStream s = TlsStream.client(TcpStream.connect(at), client, "localhost", at.getPort())) {
                    JoinHandle<Void> writer = Tasks.spawn(() -> {
                        byte[] chunk = new byte[100_003];
                        for (long sent = 0; sent < TOTAL; ) {
                            int n = (int) Math.min(chunk.length, TOTAL - sent);
                            for (int i = 0; i < n; i++) {
                                chunk[i] = TlsTesting.pattern(sent + i);
                            }
                            s.writeAll(chunk, 0, n);
                            sent += n;
                        }
                        s.shutdownOutput(); // close_notify: the server's read ends, it closes, so does ours
                        return null;
                    });
                    byte[] buf = new byte[10_000];
                    long received = 0;
                    int n;
                    while ((n = s.read(buf, 0, buf.length)) > 0) {
                        for (int i = 0; i < n; i++) {
                            if (buf[i] != TlsTesting.pattern(received + i)) {
                                throw new AssertionError("byte " + (received + i) + " differs");
                            }
                        }
                        received += n;
                    }
                    writer.join();
                    return received;
                }
            });
            assertEquals(TOTAL, checked);
            assertEquals(List.of((long) TOTAL), served.join());
        }
    }
}
