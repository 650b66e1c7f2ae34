package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Ringloop;
import io.ringloop.driver.uring.IoUringDriver;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The task-style echo of {@code ringloop echo}, through native memory and through a byte[] ({@code --heap}). */
class EchoCommandTest {
    @ParameterizedTest(name = "{0}, heap {1}")
    @CsvSource({"IO_URING, false", "IO_URING, true", "EPOLL, false", "EPOLL, true", "NIO, false", "NIO, true"})
    void shouldEchoEveryByteInOrder(Backend backend, boolean heap) throws Exception {
        Assumptions.assumeTrue(backend != Backend.IO_URING || IoUringDriver.unusableReason() == null);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            TcpServer server = rt.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    s -> EchoCommand.echo(s, 4096, heap));
            byte[] sent = new byte[300_000]; // many buffers' worth: reads and writes that wait and that do not
            new Random(5).nextBytes(sent);
            byte[] back = new byte[sent.length];
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        OutputStream out = c.getOutputStream(); // closing it would close the socket
                        out.write(sent);
                        c.shutdownOutput();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                new DataInputStream(c.getInputStream()).readFully(back);
                writer.join();
                assertEquals(-1, c.getInputStream().read(), "the echo ends its stream after the peer's end");
            }
            assertArrayEquals(sent, back);
        }
    }
}
