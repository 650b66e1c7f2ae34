package io.ringloop.bench.load;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * {@link IdleClients} over TLS, for {@code src/main/sh/idle-rss.sh} with {@code TLS=1}: N connections, each
 * handshaken (the server's self-signed certificate taken unchecked: a loopback measurement, not a client to copy)
 * and one byte echoed, so every connection is past its handshake and its handler waits for the next read; prints
 * {@code READY n} and holds them until its stdin ends. Failures print {@code FAILED reason} and exit 1.
 *
 * <p>Arguments: port connections [host]. One connection at a time: the handshakes are the slow part, and the
 * server is the one measured.
 */
public final class IdleTlsClients {
    private IdleTlsClients() {
    }

    public static void main(String[] args) throws IOException {
        String host = args.length > 2 ? args[2] : "127.0.0.1";
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        List<SSLSocket> open = new ArrayList<>(connections);
        try {
            SSLContext context = TrustAnything.context();
            for (int i = 0; i < connections; i++) {
                SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(host, port);
                open.add(s);
                s.setSoTimeout(60_000);
                s.startHandshake();
                s.getOutputStream().write(42);
                if (s.getInputStream().read() != 42) {
                    throw new IOException("connection " + i + " did not echo its byte");
                }
            }
            System.out.println("READY " + open.size());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the connections until stdin ends (the script closes it or the process is killed)
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            System.out.println("FAILED " + e);
            System.exit(1);
        } finally {
            for (SSLSocket s : open) {
                s.close();
            }
        }
        System.exit(0);
    }
}
