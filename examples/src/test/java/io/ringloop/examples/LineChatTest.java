package io.ringloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Line chat on every backend: a line reaches every other client, prefixed with its sender, never its sender. */
final class LineChatTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL", "NIO"})
    void shouldBroadcastEachLineToEveryOtherClient(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).name("chat-test").start()) {
            TcpServer server = LineChat.start(rt, new InetSocketAddress("127.0.0.1", 0));
            try (Client a = new Client(server); Client b = new Client(server); Client c = new Client(server)) {
                a.send("hello from a");
                assertEquals("[" + a.id + "] hello from a", b.line());
                assertEquals("[" + a.id + "] hello from a", c.line());

                b.send("hi a");
                assertEquals("[" + b.id + "] hi a", a.line()); // a's own line never came back before it
                assertEquals("[" + b.id + "] hi a", c.line());
            }
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL", "NIO"})
    void shouldGoOnForTheOthersWhenAClientLeaves(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).name("chat-test").start()) {
            TcpServer server = LineChat.start(rt, new InetSocketAddress("127.0.0.1", 0));
            try (Client a = new Client(server); Client b = new Client(server)) {
                Client gone = new Client(server);
                gone.send("bye");
                gone.socket.shutdownOutput();
                assertNull(gone.in.readLine(), "the server ends a client whose input ended");
                gone.close();
                assertEquals("[" + gone.id + "] bye", a.line());

                a.send("still here");
                assertEquals("[" + gone.id + "] bye", b.line());
                assertEquals("[" + a.id + "] still here", b.line());
            }
            server.close();
        }
    }

    /** A chat client that has read its welcome line (so it is in the room). */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        final String id;

        Client(TcpServer server) throws IOException {
            socket = new Socket("127.0.0.1", server.localAddress().getPort());
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            String welcome = line();
            id = welcome.substring(welcome.indexOf('[') + 1, welcome.indexOf(']'));
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String line() throws IOException {
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
