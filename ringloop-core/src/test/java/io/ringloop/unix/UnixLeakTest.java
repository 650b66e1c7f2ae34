package io.ringloop.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.Leaks;
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Repeated open and close of every Unix socket kind gives every descriptor and native byte back. */
class UnixLeakTest {
    private static final int ROUNDS = 50;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldLeakNoDescriptorOrNativeMemoryOverRepeatedOpenAndClose(Backend backend) throws Exception {
        Path sock = dir.resolve("leak.sock");
        Path dgram = dir.resolve("leak-dgram.sock");
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                round(backend, sock, dgram); // the first round makes the loop's lazily made state
                int fdsBefore = Leaks.openFds();
                long nativeBefore = Leaks.nativeBytes();
                for (int i = 0; i < ROUNDS; i++) {
                    round(backend, sock, dgram);
                }
                assertEquals(fdsBefore, Leaks.openFds(), "descriptors after " + ROUNDS + " rounds");
                assertEquals(nativeBefore, Leaks.nativeBytes(), "native bytes after " + ROUNDS + " rounds");
                return null;
            });
        }
    }

    /** A listener, a connection both ways with a byte each way (and fd passing memory where the backend has it). */
    private static void round(Backend backend, Path sock, Path dgram) throws Exception {
        try (UnixListener l = UnixListener.bind(sock); UnixStream c = UnixStream.connect(sock);
             UnixStream s = l.accept()) {
            c.writeAll(new byte[] {1});
            if (backend == Backend.NIO) {
                s.readFully(new byte[1], 0, 1);
                return;
            }
            s.readWithFds(new byte[1], 0, 1); // makes the stream's descriptor-passing memory
            s.peerCredentials();
            try (UnixDatagram a = UnixDatagram.bind(dgram); UnixDatagram b = UnixDatagram.open()) {
                b.send(ByteBuffer.allocate(1), a.address());
                a.receive(ByteBuffer.allocate(1));
            }
        }
    }
}
