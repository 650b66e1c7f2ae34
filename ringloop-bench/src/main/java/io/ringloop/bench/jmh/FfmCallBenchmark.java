package io.ringloop.bench.jmh;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.ringloop.sys.EventFd;
import io.ringloop.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one FFM downcall costs, with and without {@code Linker.Option.critical(true)} (critical skips the
 * thread-state transition). {@code read} of an empty non-blocking eventfd is the cheapest real syscall on
 * a loop's hot path (it returns -EAGAIN); {@code getpid} is a near-empty syscall; {@code labs} makes no
 * syscall at all, so it shows the bare cost of the Java-to-C transition. The critical read goes
 * through the runtime's own {@link Libc#read}; the non-critical handles are linked here, the same way but
 * without the option, purely for comparison (not runtime code, so STYLE's "only sys links" does not apply).
 * Run with {@code -prof gc}: every method should allocate 0 B/op.
 *
 * <p>Not final: JMH's generated harness subclasses {@code @State} classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmCallBenchmark {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle READ_NON_CRITICAL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle GETPID_CRITICAL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(JAVA_INT),
            Linker.Option.critical(false));
    private static final MethodHandle GETPID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle LABS_CRITICAL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("labs").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG),
            Linker.Option.critical(false));
    private static final MethodHandle LABS = LINKER.downcallHandle(
            LINKER.defaultLookup().find("labs").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));

    private long value = -42;
    private Arena arena;
    private MemorySegment callState;
    private MemorySegment scratch;
    private int eventFd;

    @Setup(Level.Trial)
    public void open() {
        arena = Arena.ofShared();
        callState = Libc.allocateCallState(arena);
        scratch = arena.allocate(8);
        eventFd = EventFd.create(callState, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        if (eventFd < 0) {
            throw new IllegalStateException("eventfd failed: " + eventFd);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        Libc.close(callState, eventFd);
        arena.close();
    }

    /** The runtime's path: critical downcall, errno captured, -EAGAIN returned. */
    @Benchmark
    public int readEmptyEventFdCritical() {
        return Libc.read(callState, eventFd, scratch, 8);
    }

    @Benchmark
    public long readEmptyEventFdNonCritical() throws Throwable {
        return (long) READ_NON_CRITICAL.invokeExact(callState, eventFd, scratch, 8L);
    }

    @Benchmark
    public int getpidCritical() throws Throwable {
        return (int) GETPID_CRITICAL.invokeExact();
    }

    @Benchmark
    public int getpidNonCritical() throws Throwable {
        return (int) GETPID.invokeExact();
    }

    @Benchmark
    public long labsCritical() throws Throwable {
        return (long) LABS_CRITICAL.invokeExact(value);
    }

    @Benchmark
    public long labsNonCritical() throws Throwable {
        return (long) LABS.invokeExact(value);
    }
}
