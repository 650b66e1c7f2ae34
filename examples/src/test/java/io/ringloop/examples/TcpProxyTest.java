package io.ringloop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The proxy in front of HTTP hello on every backend: curl gets its answer through it, and a half close works. */
final class TcpProxyTest {

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL", "NIO"})
    void shouldCarryRequestsAndAnswersBothWays(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).name("proxy-test").start()) {
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            TcpServer hello = HttpHello.start(rt, any);
            TcpServer proxy = TcpProxy.start(rt, any, "localhost", hello.localAddress().getPort());
            String url = "http://127.0.0.1:" + proxy.localAddress().getPort() + "/";

            assertEquals("Hello, World!Hello, World!", Curl.get(url, url + "again"));
            proxy.close();
            hello.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "EPOLL", "NIO"})
    void shouldPassAHalfCloseOnAndStillDeliverTheAnswer(Backend backend) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).name("proxy-test").start()) {
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            TcpServer hello = HttpHello.start(rt, any);
            TcpServer proxy = TcpProxy.start(rt, any, "127.0.0.1", hello.localAddress().getPort());
            try (Socket s = new Socket("127.0.0.1", proxy.localAddress().getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput(); // hello sees end of stream after two requests and ends; so does the proxy
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals(2, answer.split("HTTP/1.1 200 OK", -1).length - 1, answer);
                assertTrue(answer.endsWith("Hello, World!"), answer);
            }
            proxy.close();
            hello.close();
        }
    }
}
