package io.ringloop.bench.proto;

import io.ringloop.bench.load.TrustAnything;
import io.ringloop.bench.run.ProcStat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The {@code tls} scenario's generator (its own JVM, pinned beside the server), as {@code tls-echo-cpu.sh}
 * measured ringloop alone: one TLS connection (the JDK's {@code SSLSocket}, trusting any certificate: a
 * measurement, not a check), messages of {@code SIZE} bytes, {@code WINDOW} of them in flight (1: ping-pong),
 * a writer thread spending credits that the reader returns per echoed message. After the warm-up it reads the
 * server's utime+stime from {@code /proc} around the measured time and prints one line:
 * {@code msgs=N seconds=S serverCpuNs=C}. Every echoed message is compared with what was sent.
 *
 * <p>Usage: {@code TlsEchoClient PORT SERVER_PID WINDOW SIZE WARMUP_MS DURATION_MS}.
 */
public final class TlsEchoClient {
    private TlsEchoClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: TlsEchoClient PORT SERVER_PID WINDOW SIZE WARMUP_MS "
                    + "DURATION_MS");
        }
        int port = Integer.parseInt(args[0]);
        long pid = Long.parseLong(args[1]);
        int window = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        long warmupNs = Long.parseLong(args[4]) * 1_000_000;
        long durationNs = Long.parseLong(args[5]) * 1_000_000;
        try (SSLSocket s = connect(port)) {
            s.setTcpNoDelay(true);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] msg = new byte[size];
            for (int i = 0; i < size; i++) {
                msg[i] = (byte) (i * 31 + 7);
            }
            Semaphore credits = new Semaphore(window);
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().daemon().name("tls-writer").start(() -> write(out, msg, credits, stop));
            byte[] buf = new byte[size];
            long end = System.nanoTime() + warmupNs;
            while (System.nanoTime() - end < 0) {
                echoOne(in, buf, msg, credits);
            }
            long t0 = System.nanoTime();
            long c0 = ProcStat.cpuNs(pid);
            long n = 0;
            end = t0 + durationNs;
            while (System.nanoTime() - end < 0) {
                echoOne(in, buf, msg, credits);
                n++;
            }
            long c1 = ProcStat.cpuNs(pid);
            long t1 = System.nanoTime();
            stop.set(true);
            credits.release(window); // the writer may wait for a credit
            System.out.printf(Locale.ROOT, "msgs=%d seconds=%.6f serverCpuNs=%d%n", n, (t1 - t0) / 1e9, c1 - c0);
            writer.join(1000);
        }
    }

    private static SSLSocket connect(int port) throws IOException, GeneralSecurityException {
        SSLContext ctx = TrustAnything.context();
        Socket plain = new Socket("127.0.0.1", port);
        return (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", port, true);
    }

    private static void echoOne(InputStream in, byte[] buf, byte[] msg, Semaphore credits) throws IOException {
        if (in.readNBytes(buf, 0, buf.length) != buf.length) {
            throw new IOException("the server closed the connection");
        }
        if (!Arrays.equals(buf, msg)) {
            throw new IOException("the echo differs from the message sent");
        }
        credits.release();
    }

    private static void write(OutputStream out, byte[] msg, Semaphore credits, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                credits.acquire();
                out.write(msg);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            if (!stop.get()) {
                e.printStackTrace();
            }
        }
    }
}
