package io.ringloop.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpStream;
import io.ringloop.unix.UnixListener;
import io.ringloop.unix.UnixStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AsyncFile.transferTo a TCP stream on every backend (spliced on io_uring and epoll, copied on NIO): a large file
 * byte for byte, a range of it, and a peer that resets in the middle, with no fd left behind; and to a Unix
 * stream (copied).
 */
class FileTransferTest {
    /** Well beyond loopback's socket buffers, so the transfer waits for the peer and a reset lands mid-way. */
    private static final int SIZE = 24 << 20;

    @TempDir
    Path dir;

    private Path bigFile() throws IOException {
        byte[] content = new byte[SIZE];
        new Random(77).nextBytes(content);
        return Files.write(dir.resolve("big"), content);
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSendALargeFileByteForByte(Backend backend) throws Exception {
        Path file = bigFile();
        byte[] expected = Files.readAllBytes(file);
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            rt.blockOn(() -> null);
            int fds = Leaks.openFds();
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(peer));
            long sent = rt.blockOn(() -> {
                try (AsyncFile f = AsyncFile.open(file);
                     TcpStream s = TcpStream.connect(address(peer))) {
                    long n = f.transferTo(0, SIZE, s);
                    assertEquals(1000, f.transferTo(SIZE - 1000, 5000, s), "stops at the end of the file");
                    assertEquals(0, f.transferTo(SIZE, 10, s));
                    s.shutdownOutput();
                    return n;
                }
            });
            assertEquals(SIZE, sent);
            byte[] got = received.join();
            assertEquals(SIZE + 1000, got.length);
            assertTrue(Arrays.equals(expected, 0, SIZE, got, 0, SIZE), "the file arrived byte for byte");
            assertArrayEquals(Arrays.copyOfRange(expected, SIZE - 1000, SIZE),
                    Arrays.copyOfRange(got, SIZE, got.length));
            assertEquals(fds, Leaks.openFds(), "pipes and the file are closed");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldFailWhenThePeerResetsMidTransfer(Backend backend) throws Exception {
        Path file = bigFile();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start();
             ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            rt.blockOn(() -> null);
            int fds = Leaks.openFds();
            CompletableFuture<Void> resetter = CompletableFuture.runAsync(() -> {
                try (Socket s = peer.accept()) {
                    s.getInputStream().readNBytes(64 * 1024);
                    s.setSoLinger(true, 0); // close sends RST
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            rt.blockOn(() -> {
                try (AsyncFile f = AsyncFile.open(file);
                     TcpStream s = TcpStream.connect(address(peer))) {
                    IOException e = assertThrows(IOException.class, () -> f.transferTo(0, SIZE, s));
                    assertTrue(e.getMessage().contains("ECONNRESET") || e.getMessage().contains("EPIPE"),
                            e.toString());
                    assertTrue(f.isOpen(), "the file stays the caller's");
                }
                return null;
            });
            resetter.join();
            assertEquals(fds, Leaks.openFds(), "the pipe is closed after the failure");
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldSendAFileToAUnixStream(Backend backend) throws Exception {
        Path file = bigFile();
        byte[] expected = Files.readAllBytes(file);
        Path socket = dir.resolve("s.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            UnixListener listener = rt.blockOn(() -> UnixListener.bind(socket));
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    return Channels.newInputStream(c).readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            rt.blockOn(() -> {
                try (listener; AsyncFile f = AsyncFile.open(file); UnixStream s = listener.accept()) {
                    assertEquals(SIZE, f.transferTo(0, SIZE, s));
                }
                return null;
            });
            assertArrayEquals(expected, received.join());
        }
    }

    private static InetSocketAddress address(ServerSocket peer) {
        return new InetSocketAddress(peer.getInetAddress(), peer.getLocalPort());
    }

    private static byte[] readAll(ServerSocket peer) {
        try (Socket s = peer.accept(); InputStream in = s.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
