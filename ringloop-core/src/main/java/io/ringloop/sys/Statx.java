package io.ringloop.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct statx} (include/uapi/linux/stat.h, the same on every architecture;
 * https://github.com/torvalds/linux/blob/v6.9/include/uapi/linux/stat.h), as filled by statx(2) and IORING_OP_STATX:
 *
 * <pre>
 * struct statx {                               // 256 bytes
 *     __u32 stx_mask;        //   0  what was filled (STATX_*)
 *     __u32 stx_blksize;     //   4
 *     __u64 stx_attributes;  //   8
 *     __u32 stx_nlink;       //  16
 *     __u32 stx_uid;         //  20
 *     __u32 stx_gid;         //  24
 *     __u16 stx_mode;        //  28  file type and permissions (S_IFMT ...)
 *     __u16 __spare0;
 *     __u64 stx_ino;         //  32
 *     __u64 stx_size;        //  40
 *     __u64 stx_blocks;      //  48  512-byte blocks allocated
 *     __u64 stx_attributes_mask;                       // 56
 *     struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime; // 64, 80, 96, 112
 *     //     { __s64 tv_sec; __u32 tv_nsec; __s32 __reserved; }  16 bytes each
 *     __u32 stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor; // 128..143
 *     __u64 stx_mnt_id;      // 144
 *     __u32 stx_dio_mem_align;     // 152  (Linux 6.1, STATX_DIOALIGN) buffer alignment for O_DIRECT
 *     __u32 stx_dio_offset_align;  // 156  file offset and length alignment for O_DIRECT
 *     __u64 __spare3[12];
 * };
 * </pre>
 */
public final class Statx {
    public static final long SIZE = 256;
    public static final int STATX_BASIC_STATS = 0x7ff;
    public static final int STATX_BTIME = 0x800;
    /** stx_dio_mem_align and stx_dio_offset_align (Linux 6.1). */
    public static final int STATX_DIOALIGN = 0x2000;
    /** {@code S_IFMT} and the types under it (sys/stat.h). */
    public static final int S_IFMT = 0xF000;
    public static final int S_IFREG = 0x8000;
    public static final int S_IFDIR = 0x4000;
    public static final int S_IFLNK = 0xA000;

    private static final long STX_MASK = 0;
    private static final long STX_MODE = 28;
    private static final long STX_SIZE = 40;
    private static final long STX_BLOCKS = 48;
    private static final long STX_ATIME = 64;
    private static final long STX_BTIME = 80;
    private static final long STX_CTIME = 96;
    private static final long STX_MTIME = 112;
    private static final long STX_DIO_MEM_ALIGN = 152;
    private static final long STX_DIO_OFFSET_ALIGN = 156;

    private Statx() {
    }

    /** {@code stx_mask}: which fields the kernel filled. */
    public static int mask(MemorySegment s) {
        return s.get(ValueLayout.JAVA_INT, STX_MASK);
    }

    /** {@code stx_mode} (type and permission bits). */
    public static int mode(MemorySegment s) {
        return Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT, STX_MODE));
    }

    public static long size(MemorySegment s) {
        return s.get(ValueLayout.JAVA_LONG, STX_SIZE);
    }

    /** {@code stx_blocks}: 512-byte blocks allocated. */
    public static long blocks(MemorySegment s) {
        return s.get(ValueLayout.JAVA_LONG, STX_BLOCKS);
    }

    /** Seconds of a timestamp: {@code which} is 'a', 'b', 'c' or 'm' (access, birth, change, modification). */
    public static long seconds(MemorySegment s, char which) {
        return s.get(ValueLayout.JAVA_LONG, timestamp(which));
    }

    /** Nanoseconds of a timestamp, see {@link #seconds}. */
    public static int nanos(MemorySegment s, char which) {
        return s.get(ValueLayout.JAVA_INT, timestamp(which) + 8);
    }

    /** {@code stx_dio_mem_align}: 0 when O_DIRECT is not supported or the mask lacks STATX_DIOALIGN. */
    public static int dioMemoryAlign(MemorySegment s) {
        return s.get(ValueLayout.JAVA_INT, STX_DIO_MEM_ALIGN);
    }

    /** {@code stx_dio_offset_align}, see {@link #dioMemoryAlign}. */
    public static int dioOffsetAlign(MemorySegment s) {
        return s.get(ValueLayout.JAVA_INT, STX_DIO_OFFSET_ALIGN);
    }

    private static long timestamp(char which) {
        return switch (which) {
            case 'a' -> STX_ATIME;
            case 'b' -> STX_BTIME;
            case 'c' -> STX_CTIME;
            case 'm' -> STX_MTIME;
            default -> throw new IllegalArgumentException("statx timestamp '" + which + "'");
        };
    }
}
