package io.ringloop.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * Arrays of {@code struct mmsghdr} (sys/socket.h, glibc 2.40) for {@link Socket#recvmmsg}/{@link Socket#sendmmsg},
 * 64 bytes each on 64-bit Linux (the 4-byte {@code msg_len} padded to the struct's 8-byte alignment):
 *
 * <pre>
 * struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; };
 * </pre>
 *
 * Each entry here has one iovec and a sockaddr of its own, all in native memory the caller owns and keeps alive
 * for as long as the kernel may use it (the call itself: both calls are synchronous).
 */
public final class MMsgHdr {
    /** {@code sizeof(struct mmsghdr)}. */
    public static final long SIZE = 64;
    /** {@code offsetof(struct mmsghdr, msg_len)}. */
    public static final long MSG_LEN = MsgHdr.SIZE;
    /** {@code MSG_TRUNC} in {@code msg_flags}: the datagram was longer than the buffer. */
    public static final int MSG_TRUNC = 0x20;

    private MMsgHdr() {
    }

    /**
     * Fills entry {@code i} of {@code vec}: one iovec ({@code iov}, 16 bytes, native) over {@code length} bytes of
     * {@code data}, and {@code name} (native, or {@link MemorySegment#NULL} with {@code nameLen} 0).
     */
    public static void set(MemorySegment vec, int i, MemorySegment name, int nameLen, MemorySegment iov,
                           MemorySegment data, long length) {
        // SAFETY: iov and name are native segments of the caller's arena, alive while the kernel reads them (one
        // synchronous call); the addresses written here are theirs, bounds checked by the segments' sizes.
        iov.set(ADDRESS, 0, data); // struct iovec { void *iov_base; size_t iov_len; }
        iov.set(JAVA_LONG, 8, length);
        MsgHdr.set(vec.asSlice(i * SIZE, MsgHdr.SIZE), name, nameLen, iov, 1);
        vec.set(JAVA_INT, i * SIZE + MSG_LEN, 0);
    }

    /** Sets entry {@code i}'s {@code msg_namelen} (before a receive: the room for the sender's address). */
    public static void nameLength(MemorySegment vec, int i, int nameLen) {
        vec.set(JAVA_INT, i * SIZE + MsgHdr.MSG_NAMELEN, nameLen);
    }

    /** Sets entry {@code i}'s {@code iov_len} through its iovec ({@code iov}, as given to {@link #set}). */
    public static void iovLength(MemorySegment iov, long length) {
        iov.set(JAVA_LONG, 8, length);
    }

    /** Entry {@code i}'s {@code msg_len}: bytes received or sent (received: at most the buffer). */
    public static int length(MemorySegment vec, int i) {
        return vec.get(JAVA_INT, i * SIZE + MSG_LEN);
    }

    /** Sets entry {@code i}'s {@code msg_len} (a backend without recvmmsg reports its own receive so). */
    public static void length(MemorySegment vec, int i, int length) {
        vec.set(JAVA_INT, i * SIZE + MSG_LEN, length);
    }

    /** Entry {@code i}'s {@code msg_flags} after a receive ({@link #MSG_TRUNC}). */
    public static int flags(MemorySegment vec, int i) {
        return vec.get(JAVA_INT, i * SIZE + MsgHdr.MSG_FLAGS);
    }

    /** Sets entry {@code i}'s {@code msg_flags} (a backend without recvmmsg reports truncation so). */
    public static void flags(MemorySegment vec, int i, int flags) {
        vec.set(JAVA_INT, i * SIZE + MsgHdr.MSG_FLAGS, flags);
    }
}
