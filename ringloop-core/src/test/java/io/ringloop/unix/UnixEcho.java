package io.ringloop.unix;

import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/** An echo server on a Unix listener, for the tests of this package. */
final class UnixEcho {
    private UnixEcho() {
    }

    /** Serves echo on every accepted connection until the listener closes. */
    static JoinHandle<Void> serve(UnixListener l) {
        return Tasks.spawn(() -> {
            try {
                while (true) {
                    UnixStream s = l.accept();
                    Tasks.spawn(() -> {
                        echo(s);
                        return null;
                    });
                }
            } catch (ClosedChannelException e) {
                return null;
            }
        });
    }

    /** Echoes until end of stream, then half-closes and closes. */
    static void echo(UnixStream s) throws IOException {
        try (s) {
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            while (s.read(buf) >= 0) {
                buf.flip();
                s.writeAll(buf);
                buf.clear();
            }
            s.shutdownOutput();
        }
    }
}
