package io.ringloop.examples;

import io.ringloop.Ringloop;
import io.ringloop.io.ByteView;
import io.ringloop.io.FrameTooLongException;
import io.ringloop.io.StreamReader;
import io.ringloop.io.StreamWriter;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import io.ringloop.signal.Signal;
import io.ringloop.signal.Signals;
import io.ringloop.sync.Broadcast;
import io.ringloop.sync.ChannelClosedException;
import io.ringloop.sync.LaggedException;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Line chat: every line a client sends goes to every other client, prefixed with the sender's number. Each
 * connection is two tasks, one per direction: its handler reads lines into a {@link Broadcast} channel, and a
 * writer task it spawns sends what the others said. A client too slow to keep up is told how many lines it
 * missed (the channel keeps the last {@value #HISTORY} and never blocks a sender). A client is greeted with
 * its number once it is in the room.
 *
 * <p>{@code java ... -m io.ringloop.examples/io.ringloop.examples.LineChat [PORT]} (default 7001; 0 picks a free
 * port), then {@code nc 127.0.0.1 PORT} in two terminals.
 */
public final class LineChat {
    static final int HISTORY = 1024;
    private static final int MAX_LINE = 4096;

    /** A line and who sent it. */
    private record Line(long sender, byte[] text) {
    }

    private final Broadcast<Line> lines = new Broadcast<>(HISTORY);
    private final AtomicLong clients = new AtomicLong();

    private LineChat() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7001;
        Signals.Listener stop = Signals.listen(Signal.INT, Signal.TERM); // before the start line: none is lost
        try (Ringloop rt = Ringloop.start()) {
            TcpServer server = start(rt, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            System.out.println("line chat on " + server.localAddress() + " (" + rt.backendName() + ")");
            stop.await();
        }
    }

    /** Serves a new chat room on {@code address} on every loop of {@code rt} until the server is closed. */
    public static TcpServer start(Ringloop rt, InetSocketAddress address) throws IOException {
        LineChat room = new LineChat();
        return rt.serve(address, room::serve);
    }

    private void serve(TcpStream stream) throws Exception {
        long me = clients.incrementAndGet();
        StreamReader in = new StreamReader(stream);
        Broadcast.Receiver<Line> inbox = lines.subscribe();
        JoinHandle<Void> writer = null;
        try {
            // Said once subscribed: a client that has read it sees every line sent from then on.
            stream.writeAll(("welcome, you are [" + me + "]\n").getBytes(StandardCharsets.US_ASCII));
            writer = Tasks.spawn(() -> write(stream, inbox, me));
            ByteView line;
            while ((line = in.readLine(MAX_LINE)) != null) {
                lines.send(new Line(me, line.toByteArray()));
            }
        } catch (FrameTooLongException e) {
            System.err.println("client " + me + ": " + e.getMessage() + "; disconnected");
        } finally {
            inbox.close(); // ends the writer's receive
            if (writer != null) {
                writer.join();
            }
        }
    }

    /** The writer task: everything the others say, until this client's inbox is closed or it stops reading. */
    private static Void write(TcpStream stream, Broadcast.Receiver<Line> inbox, long me) {
        StreamWriter out = new StreamWriter(stream);
        byte[] prefix = new byte[0];
        long prefixFor = -1;
        try {
            while (true) {
                Line line;
                try {
                    line = inbox.receive();
                } catch (LaggedException e) {
                    out.writeAscii("(missed " + e.missed() + " lines)\n");
                    out.flush();
                    continue;
                }
                if (line.sender() == me) {
                    continue;
                }
                if (line.sender() != prefixFor) {
                    prefixFor = line.sender();
                    prefix = ("[" + prefixFor + "] ").getBytes(StandardCharsets.US_ASCII);
                }
                out.write(prefix);
                out.write(line.text());
                out.writeByte('\n');
                out.flush();
            }
        } catch (ChannelClosedException | InterruptedException e) {
            return null; // the client left: its handler closed the inbox
        } catch (IOException e) {
            return null; // the client is gone or stopped reading; its handler ends at its end of stream
        }
    }
}
