package io.ringloop.bench.jmh;

import io.ringloop.Ringloop;
import io.ringloop.task.JoinHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The runtime's central bet: what one park + resume of a task costs when its scheduler is the loop (the
 * continuation runs on the loop thread, a local wake is a queue add) against a virtual thread on the JDK's
 * default ForkJoinPool scheduler. Two threads ping-pong with LockSupport; a round trip is two park/resume
 * pairs, so the score is per park + resume. Not final: JMH subclasses {@code @State} classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParkResumeBenchmark {
    private static final int ROUNDS = 1000;

    /** {@code loop}: both threads are ringloop tasks on one loop; {@code default}: JDK virtual threads. */
    @Param({"loop", "default"})
    String scheduler;

    private Ringloop runtime;
    private Thread ping;
    private Thread pong;
    private volatile Thread caller;
    /** 0: idle, 1: ping's turn, 2: pong's turn. */
    private volatile int turn;
    private int rounds;
    private volatile boolean stop;

    @Setup(Level.Trial)
    public void start() throws Exception {
        if (scheduler.equals("loop")) {
            runtime = Ringloop.builder().threads(1).name("bench").start();
            JoinHandle<Thread> a = runtime.spawn(() -> {
                pingLoop();
                return null;
            });
            JoinHandle<Thread> b = runtime.spawn(() -> {
                pongLoop();
                return null;
            });
            while (a.thread() == null || b.thread() == null) {
                Thread.onSpinWait();
            }
            ping = a.thread();
            pong = b.thread();
        } else {
            ping = Thread.ofVirtual().unstarted(this::pingLoop);
            pong = Thread.ofVirtual().unstarted(this::pongLoop);
            ping.start();
            pong.start();
        }
    }

    private void pingLoop() {
        while (!stop) {
            while (turn != 1) {
                LockSupport.park();
                if (stop) {
                    return;
                }
            }
            if (rounds == 0) {
                turn = 0;
                LockSupport.unpark(caller);
                continue;
            }
            rounds--;
            turn = 2;
            LockSupport.unpark(pong);
        }
    }

    private void pongLoop() {
        while (!stop) {
            while (turn != 2) {
                LockSupport.park();
                if (stop) {
                    return;
                }
            }
            turn = 1;
            LockSupport.unpark(ping);
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void parkResume() {
        caller = Thread.currentThread();
        rounds = ROUNDS;
        turn = 1;
        LockSupport.unpark(ping);
        while (turn != 0) {
            LockSupport.park();
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        stop = true;
        LockSupport.unpark(ping);
        LockSupport.unpark(pong);
        if (runtime != null) {
            runtime.close();
        }
    }
}
