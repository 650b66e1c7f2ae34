#!/usr/bin/env bash
# Usage: tls-echo-cpu.sh [BACKENDS] [WINDOWS] [RUNS]     (defaults: "io_uring epoll" "1 16" 3)
#
# Server CPU per message of `./ringloop echo --heap` with and without --tls (its self-signed certificate): one
# connection, 1 KiB messages, WINDOW messages in flight (1 = ping-pong), from a JDK client in another JVM
# (SSLSocket, TLS 1.3, trusting anything: a measurement, not a check). The server is pinned to CPU 0 and the
# client to CPU 1; after WARM seconds (default 10, for the JIT) the server's utime+stime from /proc over RUN
# seconds (default 5) divided by the messages echoed is printed, one line per run. Take medians.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../../../.."

backends=${1:-io_uring epoll}
windows=${2:-1 16}
runs=${3:-3}
work="$(mktemp -d "${TMPDIR:-/tmp}/tls-echo-cpu.XXXXXX")"
trap 'rm -rf "$work"' EXIT
./ringloop info >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
java="$(./ringloop java-home)/bin/java"

cat >"$work/Client.java" <<'JAVA'
import java.io.*;
import java.net.Socket;
import java.nio.file.*;
import java.security.cert.X509Certificate;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.*;

public class Client {
    public static void main(String[] a) throws Exception {
        boolean tls = a[0].equals("tls");
        int port = Integer.parseInt(a[1]), size = 1024, window = Integer.parseInt(a[3]);
        long pid = Long.parseLong(a[2]);
        double warmS = Double.parseDouble(a[4]), runS = Double.parseDouble(a[5]);
        Socket s = new Socket("127.0.0.1", port);
        if (tls) {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String t) {}
                public void checkServerTrusted(X509Certificate[] c, String t) {}
                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, null);
            s = ctx.getSocketFactory().createSocket(s, "localhost", port, true);
        }
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] msg = new byte[size], buf = new byte[size];
        Semaphore credits = new Semaphore(window);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!stop.get()) { credits.acquire(); out.write(msg); out.flush(); }
            } catch (Exception e) { if (!stop.get()) e.printStackTrace(); }
        });
        long end = System.nanoTime() + (long) (warmS * 1e9);
        while (System.nanoTime() < end) { in.readNBytes(buf, 0, size); credits.release(); }
        long t0 = System.nanoTime(), c0 = cpuTicks(pid), n = 0;
        end = t0 + (long) (runS * 1e9);
        while (System.nanoTime() < end) { in.readNBytes(buf, 0, size); credits.release(); n++; }
        long t1 = System.nanoTime(), c1 = cpuTicks(pid);
        stop.set(true);
        double cpuS = (c1 - c0) / 100.0; // USER_HZ
        System.out.printf("%-5s window=%-3d msgs/s=%-8.0f server cpu/msg=%.2f us%n",
                tls ? "tls" : "plain", window, n / ((t1 - t0) / 1e9), cpuS * 1e6 / n);
    }

    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }
}
JAVA

for ((r = 1; r <= runs; r++)); do
  for w in $windows; do
    for b in $backends; do
      for mode in plain tls; do
        args=(echo --port 0 --host 127.0.0.1 --buffer-kib 64 --backend "$b" --heap)
        [[ $mode == tls ]] && args+=(--tls)
        taskset -c 0 ./ringloop "${args[@]}" >"$work/server.log" 2>&1 &
        pid=$! # taskset and the launcher exec: the server's JVM
        for ((i = 0; i < 600; i++)); do grep -q 'ringloop echo: port' "$work/server.log" && break; sleep 0.1; done
        port="$(grep -o 'echo: port [0-9]*' "$work/server.log" | awk '{print $3}')"
        [[ -n "$port" ]] || { cat "$work/server.log" >&2; kill "$pid"; exit 1; }
        printf '%-8s ' "$b"
        taskset -c 1 "$java" "$work/Client.java" "$mode" "$port" "$pid" "$w" "${WARM:-10}" "${RUN:-5}"
        kill -TERM "$pid"
        wait "$pid" || true
      done
    done
  done
done
