package io.ringloop.cli.kv;

import io.ringloop.cli.wire.Bytes;
import io.ringloop.cli.wire.Sink;
import io.ringloop.cli.wire.WriterSink;
import io.ringloop.io.StreamReader;
import io.ringloop.io.StreamWriter;
import io.ringloop.net.ServerConnection;
import io.ringloop.net.TcpStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CancellationException;

/**
 * One RESP connection in its own task: parse a command ({@link RespParser}, shown the reader's buffer; it fills
 * when the parser needs more), run it ({@link KvCommands}), write
 * the reply; replies collect in the writer and leave when the reader must wait for input, so a pipeline of N
 * commands is answered in one write. A command is a request for the server's timeouts ({@link ServerConnection}):
 * one that does not arrive whole within the request timeout closes the connection, and so does the idle timeout
 * between commands. On a drain it answers what it has parsed, then closes.
 */
final class KvConnection {
    private static final int BUFFER_BYTES = 8 * 1024;

    private KvConnection() {
    }

    /** Serves {@code stream} until QUIT, end of stream, a timeout or drain; a broken connection is dropped. */
    static void serve(TcpStream stream, KvStore store, long maxBulkBytes) {
        ServerConnection conn = ServerConnection.of(stream);
        try {
            stream.setNoDelay(true);
            StreamReader reader = new StreamReader(stream, BUFFER_BYTES, RespParser.window());
            StreamWriter writer = new StreamWriter(stream, 16 * 1024);
            reader.flushBeforeRead(writer);
            RespParser parser = new RespParser(maxBulkBytes);
            RespCommand command = new RespCommand();
            KvCommands commands = new KvCommands(store);
            Sink out = new WriterSink(writer);
            Bytes.OfByteView view = new Bytes.OfByteView();
            while (true) {
                if (reader.available() == 0 && !awaitCommand(reader, conn)) {
                    writer.flush();
                    return;
                }
                conn.requestStarted();
                int r;
                while ((r = parser.parse(view.set(reader.buffered()), command)) == RespParser.NEED_MORE) {
                    int dropped = parser.consumed;
                    reader.consume(dropped);
                    if ((dropped == 0 || reader.available() == 0) && reader.fill() < 0) {
                        throw new EOFException("RESP: end of stream inside a command");
                    }
                }
                reader.consume(parser.consumed);
                conn.requestDone();
                if (r == RespParser.PROTOCOL_ERROR) {
                    Resp.error(out, parser.error);
                } else if (command.argc > 0 && commands.execute(command, out)) {
                    writer.flush(); // QUIT
                    return;
                }
            }
        } catch (EOFException | SocketTimeoutException | CancellationException e) {
            // the client left mid-command, was too slow or idle too long, or the runtime shut down
        } catch (IOException e) {
            // reset by the peer, or closed by the drain: nothing to answer
        }
    }

    /** Waits, idle, for the next command's first byte: false to close instead. */
    private static boolean awaitCommand(StreamReader reader, ServerConnection conn) throws IOException {
        if (conn.draining()) {
            return false;
        }
        try {
            return reader.fill() > 0; // flushes the replies to everything before
        } catch (SocketException | SocketTimeoutException | CancellationException e) {
            return false; // the drain or the idle timeout closed the stream; or a shutdown cancelled the wait
        }
    }
}
