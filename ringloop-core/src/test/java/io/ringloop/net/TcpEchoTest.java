package io.ringloop.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Runtime;
import io.ringloop.loop.Backend;
import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TcpEchoTest {
    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldEchoSmallMessage(Backend backend) throws Exception {
        try (Runtime rt = Runtime.builder().backend(backend).start()) {
            byte[] got = rt.blockOn(() -> {
                try (TcpListener l = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
                    var server = io.ringloop.task.Tasks.spawn(() -> {
                        try (TcpStream s = l.accept()) {
                            byte[] buf = new byte[1024];
                            int n;
                            while ((n = s.read(buf)) > 0) {
                                s.writeAll(buf, 0, n);
                            }
                        }
                        return null;
                    });
                    try (TcpStream c = TcpStream.connect(l.localAddress())) {
                        byte[] msg = new byte[100];
                        new Random(1).nextBytes(msg);
                        c.writeAll(msg);
                        byte[] back = new byte[100];
                        c.readFully(back, 0, 100);
                        c.shutdownOutput();
                        server.join();
                        assertArrayEquals(msg, back);
                        return back;
                    }
                }
            });
            assertEquals(100, got.length);
        }
    }
}
