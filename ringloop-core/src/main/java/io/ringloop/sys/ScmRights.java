package io.ringloop.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * File descriptors passed over a Unix stream: one {@code SCM_RIGHTS} control message (sys/socket.h, man 7 unix,
 * man 3 cmsg) in a {@link MsgHdr}'s {@code msg_control}, 64-bit Linux layout:
 *
 * <pre>
 * struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; unsigned char cmsg_data[]; };  // header 16
 * CMSG_LEN(n) = 16 + n;  CMSG_SPACE(n) = 16 + align8(n)
 * </pre>
 */
public final class ScmRights {
    public static final int SCM_RIGHTS = 1;
    /** The receive flag that marks the received fds close-on-exec, as every fd of ours is. */
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** {@code msg_flags} bit: control data was cut short (fds beyond the room are closed by the kernel). */
    public static final int MSG_CTRUNC = 0x8;
    private static final long CMSG_LEN = 0;
    private static final long CMSG_LEVEL = 8;
    private static final long CMSG_TYPE = 12;
    private static final long CMSG_DATA = 16;

    private ScmRights() {
    }

    /** {@code CMSG_SPACE(fds * sizeof(int))}: the control room for {@code fds} descriptors. */
    public static long space(int fds) {
        return CMSG_DATA + ((4L * fds + 7) & ~7L);
    }

    /** Writes one SCM_RIGHTS message carrying {@code fds} into {@code control}: the control length to set. */
    public static long encode(MemorySegment control, int[] fds) {
        long space = space(fds.length);
        control.asSlice(0, space).fill((byte) 0);
        control.set(JAVA_LONG, CMSG_LEN, CMSG_DATA + 4L * fds.length);
        control.set(JAVA_INT, CMSG_LEVEL, Socket.SOL_SOCKET);
        control.set(JAVA_INT, CMSG_TYPE, SCM_RIGHTS);
        for (int i = 0; i < fds.length; i++) {
            control.set(JAVA_INT, CMSG_DATA + 4L * i, fds[i]);
        }
        return space;
    }

    /**
     * The descriptors in the first {@code controlLength} bytes of {@code control} (after a recvmsg), written to
     * {@code out}: their count (at most {@code out.length}; the caller sized the room so no more can come).
     */
    public static int decode(MemorySegment control, long controlLength, int[] out) {
        int n = 0;
        long at = 0;
        while (at + CMSG_DATA <= controlLength) {
            long len = control.get(JAVA_LONG, at + CMSG_LEN);
            if (len < CMSG_DATA || at + len > controlLength) {
                break;
            }
            if (control.get(JAVA_INT, at + CMSG_LEVEL) == Socket.SOL_SOCKET
                    && control.get(JAVA_INT, at + CMSG_TYPE) == SCM_RIGHTS) {
                for (long d = CMSG_DATA; d + 4 <= len && n < out.length; d += 4) {
                    out[n++] = control.get(JAVA_INT, at + d);
                }
            }
            at += (len + 7) & ~7L;
        }
        return n;
    }
}
