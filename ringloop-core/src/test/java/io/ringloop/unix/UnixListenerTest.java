package io.ringloop.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The socket file: made by bind, removed by close, a taken path reported, a stale one removed on request. */
class UnixListenerTest {
    @TempDir
    Path dir;

    /** A stale socket file, as a crashed server leaves it: the JDK's channel binds it and closes without removing. */
    private static void leaveStaleSocketFile(Path path) throws Exception {
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path), "the JDK leaves the socket file behind");
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldCreateTheSocketFileAndRemoveItOnClose(Backend backend) throws Exception {
        Path sock = dir.resolve("made.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                UnixListener l = UnixListener.bind(sock);
                assertTrue(Files.exists(sock));
                assertEquals(UnixAddress.of(sock), l.address());
                l.close();
                assertFalse(Files.exists(sock), "close removes the file bind made");
                l.close(); // idempotent
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportAStaleSocketFileNamingThePathAndTheOption(Backend backend) throws Exception {
        Path sock = dir.resolve("stale.sock");
        leaveStaleSocketFile(sock);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                BindException e = assertThrows(BindException.class, () -> UnixListener.bind(sock));
                assertTrue(e.getMessage().contains("bind(" + sock + ")") && e.getMessage().contains("EADDRINUSE")
                        && e.getMessage().contains("stale") && e.getMessage().contains("removeStale(true)"),
                        e.getMessage());
                assertTrue(Files.exists(sock), "nothing removed without the option");
                ConnectException refused = assertThrows(ConnectException.class, () -> UnixStream.connect(sock));
                assertTrue(refused.getMessage().contains("ECONNREFUSED"), refused.getMessage());
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRemoveAStaleSocketFileWhenAskedAndServe(Backend backend) throws Exception {
        Path sock = dir.resolve("stale.sock");
        leaveStaleSocketFile(sock);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UnixListener l = UnixListener.builder().removeStale(true).bind(sock)) {
                    UnixEcho.serve(l);
                    try (UnixStream c = UnixStream.connect(sock)) {
                        c.writeAll(new byte[] {42});
                        assertEquals(42, readOne(c));
                    }
                }
                assertFalse(Files.exists(sock));
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldNeverRemoveALiveListenersFileOrAFileThatIsNotASocket(Backend backend) throws Exception {
        Path sock = dir.resolve("live.sock");
        Path plain = dir.resolve("plain.txt");
        Files.writeString(plain, "keep me");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UnixListener live = UnixListener.bind(sock)) {
                    BindException e = assertThrows(BindException.class,
                            () -> UnixListener.builder().removeStale(true).bind(sock));
                    assertTrue(e.getMessage().contains("a listener is serving on it"), e.getMessage());
                    assertTrue(live.isOpen() && Files.exists(sock));
                }
                BindException e = assertThrows(BindException.class,
                        () -> UnixListener.builder().removeStale(true).bind(plain));
                assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
                assertEquals("keep me", Files.readString(plain));
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldLeaveAFileThatReplacedOursOnClose(Backend backend) throws Exception {
        Path sock = dir.resolve("replaced.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                UnixListener l = UnixListener.bind(sock);
                Files.delete(sock); // another server took the path over:
                leaveStaleSocketFile(sock);
                l.close();
                assertTrue(Files.exists(sock), "close removes only the file its bind made");
                return null;
            });
        }
    }

    private static int readOne(UnixStream c) throws Exception {
        byte[] b = new byte[1];
        c.readFully(b, 0, 1);
        return b[0];
    }
}
