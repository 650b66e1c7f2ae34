package io.ringloop.bench.jmh;

import io.ringloop.Ringloop;
import io.ringloop.cli.CallbackEcho;
import io.ringloop.loop.Backend;
import io.ringloop.loop.EventLoop;
import io.ringloop.net.AcceptCallback;
import io.ringloop.net.TcpListener;
import io.ringloop.net.TcpServer;
import io.ringloop.net.TcpStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One 64-byte echo round trip through a ringloop server in this JVM, from a plain blocking JDK client on the
 * benchmark thread. The aux counter {@code loopBytes} over {@code roundTrips} is what the <i>loop thread</i>
 * allocated per echoed message (virtual threads it carries allocate on it), read from HotSpot's per-thread
 * allocation counter: the proof that the server's hot path allocates nothing in steady state. (The JMH gc
 * profiler's figure also counts the JDK client's allocations.) Not final: JMH subclasses it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EchoRoundTripBenchmark {
    @Param({"IO_URING", "EPOLL", "NIO"})
    String backend;

    @Param({"task", "callback"})
    String style;

    private Ringloop runtime;
    private SocketChannel client;
    private final ByteBuffer out = ByteBuffer.allocateDirect(64);
    private final ByteBuffer in = ByteBuffer.allocateDirect(64);
    private long loopThreadId;
    private com.sun.management.ThreadMXBean threads;

    /** Per-iteration counts next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counts {
        public long roundTrips;
        public long loopBytes;
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        runtime = Ringloop.builder().backend(Backend.parse(backend)).threads(1).name("echo-bench").start();
        EventLoop loop = runtime.loop(0);
        InetSocketAddress at;
        if (style.equals("task")) {
            at = runtime.serve(new InetSocketAddress("127.0.0.1", 0), s -> {
                MemorySegment buf = Arena.ofAuto().allocate(16 * 1024);
                int n;
                while ((n = s.read(buf, 0, 16 * 1024)) > 0) {
                    s.writeAll(buf, 0, n);
                }
            }).localAddress();
        } else {
            CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    TcpListener l = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
                    l.accept(new AcceptCallback() {
                        @Override
                        public void accepted(TcpStream s) {
                            CallbackEcho.serve(s, 16 * 1024);
                        }

                        @Override
                        public void failed(Throwable error) {
                            // the benchmark's client notices a broken echo
                        }
                    });
                    bound.complete(l.localAddress());
                } catch (Exception e) {
                    bound.completeExceptionally(e);
                }
            });
            at = bound.get();
        }
        client = SocketChannel.open(at);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        loopThreadId = loop.thread().threadId();
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    @Benchmark
    public int roundTrip(Counts counts) throws Exception {
        long before = threads.getThreadAllocatedBytes(loopThreadId);
        out.clear();
        while (out.hasRemaining()) {
            client.write(out);
        }
        in.clear();
        while (in.hasRemaining()) {
            if (client.read(in) < 0) {
                throw new IllegalStateException("server closed");
            }
        }
        counts.roundTrips++;
        counts.loopBytes += threads.getThreadAllocatedBytes(loopThreadId) - before;
        return in.get(0);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        client.close();
        runtime.close();
    }
}
