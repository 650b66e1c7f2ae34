package io.ringloop.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct msghdr} (sys/socket.h), 56 bytes on 64-bit Linux:
 *
 * <pre>
 * struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen;
 *                 void *msg_control; size_t msg_controllen; int msg_flags; };
 * </pre>
 */
public final class MsgHdr {
    public static final long SIZE = 56;
    public static final long MSG_NAME = 0;
    public static final long MSG_NAMELEN = 8;
    public static final long MSG_IOV = 16;
    public static final long MSG_IOVLEN = 24;
    public static final long MSG_CONTROL = 32;
    public static final long MSG_CONTROLLEN = 40;
    public static final long MSG_FLAGS = 48;

    private MsgHdr() {
    }

    /** Fills {@code msg} (native, {@link #SIZE} bytes): name may be {@link MemorySegment#NULL}. */
    public static void set(MemorySegment msg, MemorySegment name, int nameLen, MemorySegment iov, int iovLen) {
        msg.fill((byte) 0);
        msg.set(ADDRESS, MSG_NAME, name);
        msg.set(JAVA_INT, MSG_NAMELEN, nameLen);
        msg.set(ADDRESS, MSG_IOV, iov);
        msg.set(JAVA_LONG, MSG_IOVLEN, iovLen);
    }

    /** Sets {@code msg_control} and {@code msg_controllen} (after {@link #set}). */
    public static void setControl(MemorySegment msg, MemorySegment control, long controlLength) {
        msg.set(ADDRESS, MSG_CONTROL, control);
        msg.set(JAVA_LONG, MSG_CONTROLLEN, controlLength);
    }

    /** {@code msg_controllen} after a recvmsg: the control bytes the kernel wrote. */
    public static long controlLength(MemorySegment msg) {
        return msg.get(JAVA_LONG, MSG_CONTROLLEN);
    }

    /** {@code msg_flags} after a recvmsg (MSG_CTRUNC, MSG_TRUNC). */
    public static int flags(MemorySegment msg) {
        return msg.get(JAVA_INT, MSG_FLAGS);
    }

    /** {@code msg_namelen} after a recvmsg. */
    public static int nameLength(MemorySegment msg) {
        return msg.get(JAVA_INT, MSG_NAMELEN);
    }
}
