package io.ringloop.sys;

import static io.ringloop.sys.Libc.blocking;
import static io.ringloop.sys.Libc.result;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.BitSet;

/** CPU affinity (sched.h): {@code sched_setaffinity(0, sizeof(cpu_set_t), &mask)} pins the calling thread. */
public final class Affinity {
    /** {@code sizeof(cpu_set_t)}: 1024 CPUs. */
    private static final int CPU_SET_BYTES = 128;
    private static final MethodHandle SET = blocking("sched_setaffinity", JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
    private static final MethodHandle GET = blocking("sched_getaffinity", JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);

    private Affinity() {
    }

    /** Pins the calling OS thread to {@code cpu}: 0 or -errno (EINVAL for a CPU not in the allowed set). */
    public static int pinCurrentThread(MemorySegment cs, int cpu) {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
            return -Errno.EINVAL;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_BYTES);
            mask.set(JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            return result((int) SET.invokeExact(cs, 0, (long) CPU_SET_BYTES, mask), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The CPUs the calling thread may run on, as a bit set, or null with the errno in {@code cs}. */
    public static BitSet currentAllowed(MemorySegment cs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_BYTES);
            int r = result((int) GET.invokeExact(cs, 0, (long) CPU_SET_BYTES, mask), cs);
            return r < 0 ? null : BitSet.valueOf(mask.toArray(JAVA_BYTE));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
