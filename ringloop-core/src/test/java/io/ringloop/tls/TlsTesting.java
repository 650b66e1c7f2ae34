package io.ringloop.tls;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpStream;
import io.ringloop.task.JoinHandle;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** What the TLS tests share: a runtime per backend, a ringloop TLS server in a task, JDK sockets. */
final class TlsTesting {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private TlsTesting() {
    }

    /** One side of a TLS connection, run in a task. */
    @FunctionalInterface
    interface Side<T> {
        T run(TlsStream stream) throws Exception;
    }

    /** A listener on the runtime's loop and the task serving its connections. */
    record Served<T>(TcpListener listener, JoinHandle<T> task) {
        int port() {
            return listener.localAddress().getPort();
        }

        /** The task's result; its exception rethrown as is. */
        T join() throws Exception {
            try {
                return task.join();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
        }

        /** The task's failure, which must be of {@code type}. */
        <E extends Throwable> E failure(Class<E> type) {
            return assertThrows(type, this::join);
        }
    }

    static Ringloop runtime(Backend backend) throws IOException {
        return Ringloop.builder().backend(backend).threads(1).start();
    }

    /** Accepts {@code connections} connections one after the other, each a TLS server running {@code side}. */
    static <T> Served<List<T>> serve(Ringloop rt, TlsConfig config, int connections, Side<T> side)
            throws Exception {
        TcpListener listener = rt.blockOn(() -> TcpListener.bind(LOOPBACK));
        JoinHandle<List<T>> task = rt.spawn(() -> {
            try (listener) {
                List<T> results = new java.util.ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    try (TlsStream s = TlsStream.server(listener.accept(), config)) {
                        results.add(side.run(s));
                    }
                }
                return results;
            }
        });
        return new Served<>(listener, task);
    }

    /** A ringloop TLS client of {@code port} as {@code host}, running {@code side}, from a task. */
    static <T> T client(Ringloop rt, TlsConfig config, String host, int port, Side<T> side) throws Exception {
        return rt.blockOn(() -> {
            TcpStream tcp = TcpStream.connect(new InetSocketAddress("127.0.0.1", port));
            try (TlsStream s = TlsStream.client(tcp, config, host, port)) {
                return side.run(s);
            }
        });
    }

    /** A JDK client socket, handshaken, offering {@code alpn} and sending {@code sni} (null: neither). */
    static SSLSocket jdkClient(SSLContext context, int port, String protocol, String sni, String... alpn)
            throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        configure(s, protocol, sni, alpn);
        s.startHandshake();
        return s;
    }

    static void configure(SSLSocket s, String protocol, String sni, String... alpn) {
        SSLParameters p = s.getSSLParameters();
        if (protocol != null) {
            p.setProtocols(new String[] {protocol});
        }
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (alpn.length > 0) {
            p.setApplicationProtocols(alpn);
        }
        s.setSSLParameters(p);
    }

    /** Reads exactly {@code n} bytes or fails. */
    static byte[] readN(InputStream in, int n) throws IOException {
        return in.readNBytes(n);
    }

    /** A plain TCP client of {@code port}. */
    static Socket plain(int port) throws IOException {
        return new Socket("127.0.0.1", port);
    }

    /** The byte at {@code index} of a test stream: a pattern whose period (251, prime) no buffer size shares. */
    static byte pattern(long index) {
        return (byte) (index % 251);
    }
}
