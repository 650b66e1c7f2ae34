#!/usr/bin/env bash
# Usage: udp-batch.sh [BACKENDS] [RUNS]     (defaults: "io_uring epoll nio" 3; MODES=, WARM=, RUN= in the environment)
#
# Server CPU per datagram of UdpSocket one datagram per call against UdpBatch (64 per call: recvmmsg/sendmmsg on
# epoll and io_uring, a loop of the JDK's calls on NIO), 64-byte datagrams over loopback, one loop, in bursts of
# 256. recv-*: the peer sends a burst to the server's data socket, then "ready" on a control socket; the server (a
# ringloop task) waits for "ready", drains the 256 datagrams (all queued already: loopback delivers inside the
# sender's sendto), and answers on the control socket. send-*: the server sends a burst to the peer, then "ready",
# and waits for the peer's answer once it has drained them. So both styles do the same work around each burst
# (one wait, two control datagrams) and differ only in the calls per datagram; a flood would measure instead how
# the peer and the kernel drop. The server runs on CPU 0, the peer (a blocking JDK DatagramChannel, JVM of its own)
# on CPU 1. After WARM seconds (default 5) the server counts datagrams and its own utime+stime (/proc/self/stat)
# for RUN seconds (default 5) and prints one line; datagrams/s is burst throughput, peer included. Take medians.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../../../.."

backends=${1:-io_uring epoll nio}
runs=${2:-3}
warm=${WARM:-5}
run=${RUN:-5}
work="$(mktemp -d "${TMPDIR:-/tmp}/udp-batch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
java="$(./ringloop java-home)/bin/java"
JAVA_HOME="$(./ringloop java-home)" mvn -o -q -pl ringloop-core compile >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
cp -r ringloop-core/target/classes "$work/core" # a build during the run must not change what runs
cp_core="$work/core"
flags=(--enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED)

cat >"$work/UdpBench.java" <<'JAVA'
import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import io.ringloop.net.UdpBatch;
import io.ringloop.net.UdpSocket;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;

public class UdpBench {
    static final int SIZE = 64, BATCH = 64, BURST = 256, RCVBUF = 4 << 20;
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);

    public static void main(String[] a) throws Exception {
        if (a[0].equals("server")) {
            server(a[1], Backend.valueOf(a[2]), Double.parseDouble(a[3]), Double.parseDouble(a[4]));
        } else {
            peer(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]));
        }
    }

    /** mode: recv-single, recv-batch, send-single, send-batch. Prints "ports DATA CONTROL", then the result. */
    static void server(String mode, Backend backend, double warmS, double runS) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            rt.blockOn(() -> {
                try (UdpSocket data = UdpSocket.bind(LOCAL); UdpSocket control = UdpSocket.bind(LOCAL);
                     UdpBatch batch = UdpBatch.allocate(BATCH, SIZE)) {
                    data.setReceiveBufferSize(RCVBUF);
                    System.out.println("ports " + data.localAddress().getPort() + " "
                            + control.localAddress().getPort());
                    System.out.flush();
                    ByteBuffer one = ByteBuffer.allocateDirect(SIZE);
                    ByteBuffer signal = ByteBuffer.allocateDirect(8);
                    InetSocketAddress peerData = null;
                    InetSocketAddress peerControl = control.receive(signal.clear()); // the peer says hello
                    if (mode.startsWith("send")) {
                        peerData = new InetSocketAddress("127.0.0.1", signal.flip().getInt());
                        for (int i = 0; i < BATCH; i++) {
                            batch.add(new byte[SIZE], 0, SIZE, peerData);
                        }
                    }
                    control.send(signal.clear().putInt(0).flip(), peerControl);
                    long t0 = System.nanoTime() + (long) (warmS * 1e9), t1 = t0 + (long) (runS * 1e9);
                    long n = 0, n0 = 0, c0 = 0;
                    boolean measuring = false;
                    while (true) {
                        if (mode.startsWith("recv")) {
                            control.receive(signal.clear()); // the burst is queued
                            for (int got = 0; got < BURST; ) {
                                if (mode.equals("recv-batch")) {
                                    got += data.receive(batch);
                                } else {
                                    data.receive(one.clear());
                                    got++;
                                }
                            }
                            control.send(signal.clear().putInt(0).flip(), peerControl);
                        } else {
                            for (int sent = 0; sent < BURST; ) {
                                if (mode.equals("send-batch")) {
                                    sent += data.send(batch);
                                } else {
                                    data.send(one.clear(), peerData);
                                    sent++;
                                }
                            }
                            control.send(signal.clear().putInt(0).flip(), peerControl);
                            control.receive(signal.clear()); // drained
                        }
                        n += BURST;
                        long now = System.nanoTime();
                        if (!measuring && now - t0 >= 0) {
                            measuring = true;
                            n0 = n;
                            c0 = cpuTicks();
                            t0 = now;
                        } else if (measuring && now - t1 >= 0) {
                            double cpuS = (cpuTicks() - c0) / 100.0; // USER_HZ
                            long count = n - n0;
                            System.out.printf("%-11s %-8s datagrams/s=%-9.0f server cpu/datagram=%.3f us%n", mode,
                                    backend, count / ((now - t0) / 1e9), cpuS * 1e6 / count);
                            control.send(signal.clear().putInt(-1).flip(), peerControl);
                            return null;
                        }
                    }
                }
            });
        }
    }

    /** The other side: sends bursts (recv-*) or drains them (send-*), in step with the server. */
    static void peer(String mode, int dataPort, int controlPort) throws Exception {
        InetSocketAddress serverData = new InetSocketAddress("127.0.0.1", dataPort);
        InetSocketAddress serverControl = new InetSocketAddress("127.0.0.1", controlPort);
        try (DatagramChannel data = DatagramChannel.open(); DatagramChannel control = DatagramChannel.open()) {
            data.setOption(StandardSocketOptions.SO_RCVBUF, RCVBUF);
            data.bind(LOCAL);
            control.bind(LOCAL);
            ByteBuffer signal = ByteBuffer.allocate(8);
            ByteBuffer d = ByteBuffer.allocateDirect(SIZE);
            control.send(signal.clear().putInt(((InetSocketAddress) data.getLocalAddress()).getPort()).flip(),
                    serverControl);
            control.receive(signal.clear());
            while (true) {
                if (mode.startsWith("recv")) {
                    for (int i = 0; i < BURST; i++) {
                        data.send(d.clear(), serverData);
                    }
                    control.send(signal.clear().putInt(0).flip(), serverControl);
                    control.receive(signal.clear());
                } else {
                    control.receive(signal.clear());
                    if (signal.flip().getInt() < 0) {
                        return;
                    }
                    for (int i = 0; i < BURST; i++) {
                        data.receive(d.clear());
                    }
                    control.send(signal.clear().putInt(0).flip(), serverControl);
                }
                if (signal.flip().remaining() >= 4 && signal.getInt() < 0) {
                    return;
                }
            }
        }
    }

    static long cpuTicks() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }
}
JAVA
"$(./ringloop java-home)/bin/javac" -d "$work" -cp "$cp_core" "$work/UdpBench.java"

for ((r = 1; r <= runs; r++)); do
  for b in $backends; do
    B=$(tr a-z A-Z <<<"$b")
    for mode in ${MODES:-recv-single recv-batch send-single send-batch}; do
      rm -f "$work/server.log" # the wait below must not read the last run's
      taskset -c 0 "$java" "${flags[@]}" -cp "$cp_core:$work" UdpBench server "$mode" "$B" "$warm" "$run" \
        >"$work/server.log" 2>&1 &
      server=$!
      for ((i = 0; i < 300; i++)); do grep -qs '^ports ' "$work/server.log" && break; sleep 0.1; done
      read -r _ dport cport < <(grep -m1 '^ports ' "$work/server.log") \
        || { cat "$work/server.log" >&2; kill "$server"; exit 1; }
      taskset -c 1 "$java" -cp "$work" UdpBench peer "$mode" "$dport" "$cport" >/dev/null 2>&1 &
      peer=$!
      wait "$server" || true
      kill "$peer" 2>/dev/null || true
      wait "$peer" 2>/dev/null || true
      grep -v '^ports ' "$work/server.log" || echo "$mode $b: no result (server log above)" >&2
    done
  done
done
