package io.ringloop.cli.kv;

import io.ringloop.cli.server.ConnectionTracker;
import io.ringloop.io.StreamReader;
import io.ringloop.io.StreamWriter;
import io.ringloop.net.TcpStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * One RESP connection in its own task: parse a command ({@link RespParser}), run it ({@link KvCommands}), write
 * the reply; replies collect in the writer and leave when the reader must wait for input, so a pipeline of N
 * commands is answered in one write. On a drain it answers what it has parsed, then closes.
 */
final class KvConnection {
    private static final int BUFFER_BYTES = 8 * 1024;

    private KvConnection() {
    }

    /** Serves {@code stream} until QUIT, end of stream, idle timeout or drain; a broken connection is dropped. */
    static void serve(TcpStream stream, KvStore store, long maxBulkBytes, Duration idleTimeout,
                      ConnectionTracker tracker) {
        try (ConnectionTracker.Connection tracked = tracker.register()) {
            stream.setNoDelay(true);
            stream.readTimeout(idleTimeout);
            StreamReader reader = new StreamReader(stream, BUFFER_BYTES, RespParser.window());
            StreamWriter writer = new StreamWriter(stream, 16 * 1024);
            reader.flushBeforeRead(writer);
            RespParser parser = new RespParser(reader, maxBulkBytes);
            RespCommand command = new RespCommand();
            KvCommands commands = new KvCommands(store);
            while (true) {
                if (reader.available() == 0 && !awaitCommand(reader, tracked)) {
                    writer.flush();
                    return;
                }
                int r = parser.read(command);
                if (r == RespParser.END) {
                    writer.flush();
                    return;
                }
                if (r == RespParser.PROTOCOL_ERROR) {
                    Resp.error(writer, parser.error);
                } else if (command.argc > 0 && commands.execute(command, writer)) {
                    writer.flush(); // QUIT
                    return;
                }
            }
        } catch (EOFException | SocketTimeoutException | CancellationException e) {
            // the client left mid-command, went idle too long, or the runtime shut down
        } catch (IOException e) {
            // reset by the peer: nothing to answer
        }
    }

    /** Waits, idle, for the next command's first byte: false to close instead. */
    private static boolean awaitCommand(StreamReader reader, ConnectionTracker.Connection tracked)
            throws IOException {
        if (!tracked.enterIdle()) {
            return false;
        }
        int n;
        try {
            n = reader.fill(); // flushes the replies to everything before
        } catch (SocketTimeoutException | CancellationException e) {
            tracked.leaveIdle();
            return false;
        }
        return tracked.leaveIdle() && n > 0;
    }
}
