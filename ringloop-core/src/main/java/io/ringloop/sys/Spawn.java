package io.ringloop.sys;

import static io.ringloop.sys.Libc.LINKER;
import static io.ringloop.sys.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code posix_spawnp(3)} of a child whose stdin, stdout and stderr are given descriptors (glibc's spawn.h): the
 * child gets them as 0, 1 and 2 ({@code posix_spawn_file_actions_adddup2}, which clears their close-on-exec),
 * every other descriptor from 3 up is closed in it ({@code addclosefrom_np}, glibc 2.34), its signal mask is
 * empty and SIGPIPE is back to its default ({@code POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF}), so the
 * child starts as a shell would start it whatever the spawning JVM thread blocks or ignores. glibc spawns with
 * {@code clone(CLONE_VM | CLONE_VFORK)}: no copy of the JVM's memory, and safe in a multi-threaded process.
 *
 * <p>The opaque types are allocated larger than glibc's (80-byte file actions, 336-byte attributes, 128-byte
 * sigset on x86_64 and aarch64) and only ever touched through glibc's own functions.
 */
public final class Spawn {
    private static final long FILE_ACTIONS_BYTES = 256;
    private static final long ATTR_BYTES = 512;
    private static final long SIGSET_BYTES = 128;
    private static final short POSIX_SPAWN_SETSIGDEF = 4;
    private static final short POSIX_SPAWN_SETSIGMASK = 8;
    private static final int SIGPIPE = 13;

    private static final MethodHandle SPAWNP = plain("posix_spawnp", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS);
    private static final MethodHandle ACTIONS_INIT = plain("posix_spawn_file_actions_init", ADDRESS);
    private static final MethodHandle ACTIONS_DESTROY = plain("posix_spawn_file_actions_destroy", ADDRESS);
    private static final MethodHandle ADD_DUP2 = plain("posix_spawn_file_actions_adddup2", ADDRESS, JAVA_INT,
            JAVA_INT);
    private static final Optional<MethodHandle> ADD_CLOSEFROM = optional("posix_spawn_file_actions_addclosefrom_np",
            ADDRESS, JAVA_INT);
    private static final Optional<MethodHandle> ADD_CHDIR = optional("posix_spawn_file_actions_addchdir_np",
            ADDRESS, ADDRESS);
    private static final MethodHandle ATTR_INIT = plain("posix_spawnattr_init", ADDRESS);
    private static final MethodHandle ATTR_DESTROY = plain("posix_spawnattr_destroy", ADDRESS);
    private static final MethodHandle ATTR_SETFLAGS = plain("posix_spawnattr_setflags", ADDRESS,
            java.lang.foreign.ValueLayout.JAVA_SHORT);
    private static final MethodHandle ATTR_SETSIGMASK = plain("posix_spawnattr_setsigmask", ADDRESS, ADDRESS);
    private static final MethodHandle ATTR_SETSIGDEFAULT = plain("posix_spawnattr_setsigdefault", ADDRESS, ADDRESS);
    private static final MethodHandle SIGEMPTYSET = plain("sigemptyset", ADDRESS);
    private static final MethodHandle SIGADDSET = plain("sigaddset", ADDRESS, JAVA_INT);

    private Spawn() {
    }

    /**
     * Spawns {@code command} (argv; {@code command.get(0)} looked up in PATH) with {@code environment} and, when
     * not null, working directory {@code directory}; {@code stdio[i]} becomes the child's fd {@code i}. Returns
     * the child's pid, or -errno (ENOENT: no such program; EACCES: not executable).
     */
    public static int spawn(List<String> command, Map<String, String> environment, String directory, int[] stdio) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argv = strings(arena, command);
            MemorySegment envp = strings(arena, environment.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList());
            MemorySegment actions = arena.allocate(FILE_ACTIONS_BYTES, 16);
            MemorySegment attr = arena.allocate(ATTR_BYTES, 16);
            MemorySegment mask = arena.allocate(SIGSET_BYTES, 8);
            MemorySegment defaults = arena.allocate(SIGSET_BYTES, 8);
            MemorySegment pid = arena.allocate(JAVA_INT);
            check((int) ACTIONS_INIT.invokeExact(actions));
            try {
                check((int) ATTR_INIT.invokeExact(attr));
                try {
                    for (int fd = 0; fd < stdio.length; fd++) {
                        check((int) ADD_DUP2.invokeExact(actions, stdio[fd], fd));
                    }
                    if (ADD_CLOSEFROM.isPresent()) {
                        check((int) ADD_CLOSEFROM.get().invokeExact(actions, 3));
                    }
                    if (directory != null) {
                        MethodHandle chdir = ADD_CHDIR.orElseThrow(() -> new UnsupportedOperationException(
                                "posix_spawn: this libc cannot set the child's directory"));
                        check((int) chdir.invokeExact(actions, arena.allocateFrom(directory)));
                    }
                    check((int) SIGEMPTYSET.invokeExact(mask));
                    check((int) SIGEMPTYSET.invokeExact(defaults));
                    check((int) SIGADDSET.invokeExact(defaults, SIGPIPE));
                    check((int) ATTR_SETSIGMASK.invokeExact(attr, mask));
                    check((int) ATTR_SETSIGDEFAULT.invokeExact(attr, defaults));
                    check((int) ATTR_SETFLAGS.invokeExact(attr, (short) (POSIX_SPAWN_SETSIGMASK
                            | POSIX_SPAWN_SETSIGDEF)));
                    int r = (int) SPAWNP.invokeExact(pid, argv.getAtIndex(ADDRESS, 0), actions, attr, argv, envp);
                    return r == 0 ? pid.get(JAVA_INT, 0) : -r; // posix_spawn returns the error number itself
                } finally {
                    int ignore = (int) ATTR_DESTROY.invokeExact(attr); // glibc's destroy frees nothing and says 0
                }
            } finally {
                int ignore = (int) ACTIONS_DESTROY.invokeExact(actions); // frees the action list; always 0
            }
        } catch (SpawnSetupException e) {
            return -e.errno;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A NULL-terminated {@code char *[]} of C strings, all in {@code arena}. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    /** The spawn.h setup calls return an error number (0: fine). */
    private static void check(int r) {
        if (r != 0) {
            throw new SpawnSetupException(r);
        }
    }

    /** A setup call failed: its error number, returned as -errno by {@link #spawn}. */
    private static final class SpawnSetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        SpawnSetupException(int errno) {
            super(null, null, false, false);
            this.errno = errno;
        }
    }

    /** Links a spawn.h call: they report errors in their result, not errno, and may take their time. */
    private static MethodHandle plain(String name, java.lang.foreign.MemoryLayout... args) {
        return optional(name, args).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static Optional<MethodHandle> optional(String name, java.lang.foreign.MemoryLayout... args) {
        return LINKER.defaultLookup().find(name).map(s -> LINKER.downcallHandle(s, FunctionDescriptor.of(JAVA_INT,
                args)));
    }
}
