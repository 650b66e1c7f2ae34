package io.ringloop.unix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.sys.Libc;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What only a Unix stream has: the peer's credentials and descriptor passing, every backend. */
class UnixPeerTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldTellEachSideThePeersPidUidAndGid(Backend backend) throws Exception {
        Path sock = dir.resolve("cred.sock");
        long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        long gid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UnixListener l = UnixListener.bind(sock); UnixStream c = UnixStream.connect(sock);
                     UnixStream s = l.accept()) {
                    if (backend == Backend.NIO) {
                        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                                c::peerCredentials);
                        assertTrue(e.getMessage().contains("peerCredentials") && e.getMessage().contains("nio"),
                                e.getMessage());
                        return null;
                    }
                    PeerCredentials expected = new PeerCredentials(ProcessHandle.current().pid(), uid, gid);
                    assertEquals(expected, s.peerCredentials(), "the server's view of the client");
                    assertEquals(expected, c.peerCredentials(), "the client's view of the listener");
                }
                return null;
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldPassPipeDescriptorsThatTheReceiverReadsThrough(Backend backend) throws Exception {
        Path sock = dir.resolve("fds.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start(); Arena arena = Arena.ofShared()) {
            MemorySegment cs = Libc.allocateCallState(arena);
            int[] first = pipe(arena, cs);
            int[] second = pipe(arena, cs);
            write(arena, cs, first[1], "through the first pipe");
            write(arena, cs, second[1], "and the second");
            int fdsBefore = Leaks.openFds();
            rt.blockOn(() -> {
                try (UnixListener l = UnixListener.bind(sock); UnixStream c = UnixStream.connect(sock);
                     UnixStream s = l.accept()) {
                    byte[] data = new byte[100_000]; // larger than one sendmsg's staging: the rest follows plainly
                    new Random(7).nextBytes(data);
                    if (backend == Backend.NIO) {
                        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                                () -> c.writeWithFds(data, 0, 1, first[0]));
                        assertTrue(e.getMessage().contains("writeWithFds") && e.getMessage().contains("nio"),
                                e.getMessage());
                        assertThrows(UnsupportedOperationException.class, () -> s.readWithFds(new byte[1], 0, 1));
                        return null;
                    }
                    JoinHandle<Void> writer = Tasks.spawn(() -> {
                        c.writeWithFds(data, 0, data.length, first[0], second[0]);
                        return null;
                    });
                    byte[] got = new byte[data.length];
                    FdMessage m = s.readWithFds(got, 0, got.length);
                    assertTrue(m.count() > 0 && !m.fdsTruncated(), m.toString());
                    assertEquals(2, m.fds().size(), m.toString());
                    s.readFully(got, m.count(), data.length - m.count());
                    writer.join();
                    assertArrayEquals(data, got);
                    try (PassedFd a = m.fds().get(0); PassedFd b = m.fds().get(1)) {
                        assertTrue(a.value() != first[0] && b.value() != second[0], "new descriptors");
                        assertEquals("through the first pipe", read(arena, cs, a.value(), 22));
                        assertEquals("and the second", read(arena, cs, b.value(), 14));
                        assertTrue(Files.isSymbolicLink(a.path()));
                    }
                    assertFalse(m.fds().get(0).isOpen());
                }
                return null;
            });
            assertEquals(fdsBefore, Leaks.openFds(), "received descriptors closed, stream memory freed");
            for (int fd : new int[] {first[0], first[1], second[0], second[1]}) {
                Libc.close(cs, fd);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRefuseDescriptorPassingWithoutDataOrDescriptors(Backend backend) throws Exception {
        Path sock = dir.resolve("bad.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UnixListener l = UnixListener.bind(sock); UnixStream c = UnixStream.connect(sock);
                     UnixStream s = l.accept()) {
                    assertThrows(IllegalArgumentException.class, () -> c.writeWithFds(new byte[0], 0, 0, 0));
                    assertThrows(IllegalArgumentException.class, () -> c.writeWithFds(new byte[1], 0, 1));
                    assertThrows(IllegalArgumentException.class,
                            () -> c.writeWithFds(new byte[1], 0, 1, new int[UnixStream.MAX_FDS + 1]));
                    assertTrue(s.isOpen());
                }
                return null;
            });
        }
    }

    private static int[] pipe(Arena arena, MemorySegment cs) {
        MemorySegment fds = arena.allocate(8, 4);
        assertEquals(0, Libc.pipe2(cs, fds, 0x80000)); // O_CLOEXEC
        return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
    }

    private static void write(Arena arena, MemorySegment cs, int fd, String text) {
        MemorySegment b = arena.allocateFrom(text, StandardCharsets.US_ASCII);
        assertEquals(text.length(), Libc.write(cs, fd, b, text.length()));
    }

    private static String read(Arena arena, MemorySegment cs, int fd, int n) {
        MemorySegment b = arena.allocate(n);
        assertEquals(n, Libc.read(cs, fd, b, n));
        return new String(b.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }
}
