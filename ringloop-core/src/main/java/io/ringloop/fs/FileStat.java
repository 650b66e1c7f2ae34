package io.ringloop.fs;

import java.time.Instant;

/**
 * What {@link AsyncFile#stat()} tells of an open file, from one {@code statx(2)} (io_uring: IORING_OP_STATX).
 *
 * @param type           what the file is
 * @param size           its size in bytes
 * @param allocatedBytes the bytes the file system has allocated for it ({@code stx_blocks * 512}): less than
 *                       {@code size} for a sparse file, more after a preallocation
 * @param lastModified   the last change of its content ({@code mtime})
 * @param lastAccessed   the last read ({@code atime}, as the mount's atime policy keeps it)
 * @param lastChanged    the last change of content or metadata ({@code ctime})
 * @param created        its creation ({@code btime}), or null where the file system does not record it
 * @param permissions    its permission bits ({@code mode & 07777}), e.g. {@code 0644}
 */
public record FileStat(FileType type, long size, long allocatedBytes, Instant lastModified, Instant lastAccessed,
                       Instant lastChanged, Instant created, int permissions) {
    /** The kinds of file {@link FileStat#type()} tells apart. */
    public enum FileType {
        /** A regular file. */
        REGULAR,
        /** A directory. */
        DIRECTORY,
        /** A symbolic link (an open file is one only when opened with O_PATH, which ringloop does not do). */
        SYMBOLIC_LINK,
        /** A device, pipe or socket. */
        OTHER
    }
}
