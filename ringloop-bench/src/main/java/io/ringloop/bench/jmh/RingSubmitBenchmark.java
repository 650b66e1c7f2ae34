package io.ringloop.bench.jmh;

import io.ringloop.sys.uring.IoUring;
import io.ringloop.sys.uring.IoUringRing;
import java.util.concurrent.TimeUnit;
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
 * Submission and completion on the ring: {@code batch} NOP SQEs written to the SQ (no syscall), flushed and
 * reaped with one io_uring_enter, their CQEs read back. The score is per operation, so it shows how the cost
 * of the syscall spreads over a batch: the loop's "one io_uring_enter per turn" bet. 0 B/op expected.
 * Not final: JMH subclasses it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingSubmitBenchmark {
    @Param({"1", "16", "64"})
    int batch;

    private IoUringRing ring;

    @Setup(Level.Trial)
    public void open() throws Exception {
        // SINGLE_ISSUER | DEFER_TASKRUN as the driver uses it when the kernel has it; plain ring otherwise.
        int preferred = IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN;
        ring = IoUringRing.open(256, preferred, 0);
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public int nopBatches() {
        int reaped = 0;
        for (int done = 0; done < 64; done += batch) {
            for (int i = 0; i < batch; i++) {
                ring.sq().prepNop(i);
            }
            ring.submitAndWait(batch, -1);
            while (ring.cqReady() > 0) {
                reaped += ring.cqeRes() + 1;
                ring.cqAdvance();
            }
        }
        return reaped;
    }

    @TearDown(Level.Trial)
    public void close() {
        ring.close();
    }
}
