package io.ringloop.sys.uring;

import io.ringloop.sys.Errno;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A ring's registered ("fixed") files: a sparse table registered once (IORING_REGISTER_FILES2 with
 * IORING_RSRC_REGISTER_SPARSE, Linux 5.19) whose slot {@code i} holds fd {@code i}, so an SQE for a
 * registered fd keeps its {@code fd} field and only gains IOSQE_FIXED_FILE. The kernel then takes the file
 * from the table instead of looking the fd up and counting a reference on every operation (which in a
 * multi-threaded process such as a JVM is an atomic increment and decrement per SQE). From
 * include/uapi/linux/io_uring.h (v6.1):
 *
 * <pre>
 * struct io_uring_rsrc_register { __u32 nr; __u32 flags; __u64 resv2; __aligned_u64 data; __aligned_u64 tags; };
 * struct io_uring_files_update { __u32 offset; __u32 resv; __aligned_u64 fds; };   // fds: __s32 *
 * </pre>
 *
 * <p>A registered fd's table slot holds a reference to its file: the slot must be emptied ({@link #remove})
 * before the fd is closed, or the socket would outlive its close. Loop thread only.
 */
public final class IoUringFileTable {
    private static final int REGISTER_FILES_UPDATE = 6;
    private static final int REGISTER_FILES2 = 13;
    private static final int RSRC_REGISTER_SPARSE = 1;
    private static final long RSRC_REGISTER_SIZE = IoUringLayouts.RSRC_REGISTER.byteSize();
    private static final long RSRC_REGISTER_NR = IoUringLayouts.offset(IoUringLayouts.RSRC_REGISTER, "nr");
    private static final long RSRC_REGISTER_FLAGS = IoUringLayouts.offset(IoUringLayouts.RSRC_REGISTER, "flags");
    private static final long FILES_UPDATE_SIZE = IoUringLayouts.FILES_UPDATE.byteSize();
    private static final long FILES_UPDATE_OFFSET = IoUringLayouts.offset(IoUringLayouts.FILES_UPDATE, "offset");
    private static final long FILES_UPDATE_FDS = IoUringLayouts.offset(IoUringLayouts.FILES_UPDATE, "fds");

    private final MemorySegment cs;
    private final int ringFd;
    private final MemorySegment update;
    private final MemorySegment oneFd;
    private final boolean[] registered;
    private int count;

    private IoUringFileTable(MemorySegment cs, int ringFd, Arena arena, int size) {
        this.cs = cs;
        this.ringFd = ringFd;
        this.update = arena.allocate(FILES_UPDATE_SIZE, 8);
        this.oneFd = arena.allocate(JAVA_INT);
        this.update.set(ADDRESS, FILES_UPDATE_FDS, oneFd);
        this.registered = new boolean[size];
    }

    /** Registers an empty table of {@code size} slots with ring {@code ringFd}; throws when the kernel refuses. */
    public static IoUringFileTable register(MemorySegment cs, int ringFd, Arena arena, int size) throws IOException {
        MemorySegment reg = arena.allocate(RSRC_REGISTER_SIZE, 8);
        reg.set(JAVA_INT, RSRC_REGISTER_NR, size);
        reg.set(JAVA_INT, RSRC_REGISTER_FLAGS, RSRC_REGISTER_SPARSE);
        int r = IoUring.register(cs, ringFd, REGISTER_FILES2, reg, (int) RSRC_REGISTER_SIZE);
        if (r < 0) {
            throw Errno.exception("io_uring_register(IORING_REGISTER_FILES2, sparse, " + size + ")", r);
        }
        return new IoUringFileTable(cs, ringFd, arena, size);
    }

    /** Whether {@code fd} sits in its slot (SQEs for it may carry IOSQE_FIXED_FILE). */
    public boolean isRegistered(int fd) {
        return fd >= 0 && fd < registered.length && registered[fd];
    }

    /** Files registered now. */
    public int count() {
        return count;
    }

    /** Puts {@code fd} into slot {@code fd}: 0, or -errno (then it stays unregistered). One system call. */
    public int add(int fd) {
        if (fd < 0 || fd >= registered.length) {
            return -Errno.EINVAL;
        }
        if (registered[fd]) {
            return 0;
        }
        int r = set(fd, fd);
        if (r >= 0) {
            registered[fd] = true;
            count++;
        }
        return Math.min(r, 0);
    }

    /** Empties slot {@code fd} (before the fd is closed or moves to another ring): 0 or -errno. */
    public int remove(int fd) {
        if (!isRegistered(fd)) {
            return 0;
        }
        registered[fd] = false;
        count--;
        return Math.min(set(fd, -1), 0);
    }

    private int set(int slot, int fd) {
        update.set(JAVA_INT, FILES_UPDATE_OFFSET, slot);
        oneFd.set(JAVA_INT, 0, fd);
        return IoUring.register(cs, ringFd, REGISTER_FILES_UPDATE, update, 1);
    }
}
