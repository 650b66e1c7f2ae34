package io.ringloop.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

/** The sockaddr_un encoding (man 7 unix lengths) and the SCM_RIGHTS control message layout: pure arithmetic. */
class UnixSockAddrTest {
    @Test
    void shouldEncodeEachKindWithTheLengthTheKernelExpects() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(SockAddr.MAX_SIZE);
            assertEquals(2 + 8 + 1, UnixSockAddr.path("/tmp/a.s").encode(dst), "path: family, bytes, NUL");
            assertEquals(UnixSockAddr.AF_UNIX, dst.get(ValueLayout.JAVA_SHORT, 0));
            assertEquals(0, dst.get(ValueLayout.JAVA_BYTE, 2 + 8));
            assertEquals(2 + 1 + 4, UnixSockAddr.abstractName("name").encode(dst), "abstract: 0, bytes, no NUL");
            assertEquals(0, dst.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals('n', dst.get(ValueLayout.JAVA_BYTE, 3));
            assertEquals(2, UnixSockAddr.unnamed().encode(dst), "unnamed: the family alone");
            assertEquals(2 + 4 + 1, SockAddr.encode(UnixDomainSocketAddress.of("/x/y"), 1, dst), "the JDK's");
        }
    }

    @Test
    void shouldDecodeWhatItEncodedFromZeroFilledMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(SockAddr.MAX_SIZE);
            for (UnixSockAddr a : new UnixSockAddr[] {UnixSockAddr.path("/run/x.sock"),
                    UnixSockAddr.abstractName("a b"), UnixSockAddr.unnamed(), UnixSockAddr.path("x".repeat(107)),
                    UnixSockAddr.abstractName("é".repeat(53))}) {
                m.fill((byte) 0);
                a.encode(m);
                assertEquals(a, UnixSockAddr.decodeZeroFilled(m), a.toString());
            }
        }
    }

    @Test
    void shouldRefuseWhatDoesNotFitSunPathOrHoldsNul() {
        assertEquals(107, UnixSockAddr.path("p".repeat(107)).name().length());
        assertThrows(IllegalArgumentException.class, () -> UnixSockAddr.path("p".repeat(108)));
        assertThrows(IllegalArgumentException.class, () -> UnixSockAddr.abstractName("n".repeat(108)));
        assertThrows(IllegalArgumentException.class, () -> UnixSockAddr.path(""));
        assertThrows(IllegalArgumentException.class, () -> UnixSockAddr.abstractName(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnixSockAddr.abstractName("a\0b"));
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertEquals("@svc", UnixSockAddr.abstractName("svc").toString());
        assertEquals("(unnamed)", UnixSockAddr.unnamed().toString());
    }

    @Test
    void shouldLayOutScmRightsAsCmsgSpaceAndReadItBack() {
        assertEquals(16 + 8, ScmRights.space(1), "CMSG_SPACE(4) rounds the data up to 8");
        assertEquals(16 + 8, ScmRights.space(2));
        assertEquals(16 + 16, ScmRights.space(3));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = arena.allocate(ScmRights.space(16));
            int[] fds = {3, 7, 42};
            long len = ScmRights.encode(control, fds);
            assertEquals(ScmRights.space(3), len);
            assertEquals(16 + 12, control.get(ValueLayout.JAVA_LONG, 0), "cmsg_len = CMSG_LEN(12)");
            int[] out = new int[16];
            assertEquals(3, ScmRights.decode(control, len, out));
            assertArrayEquals(fds, java.util.Arrays.copyOf(out, 3));
            assertEquals(0, ScmRights.decode(control, 0, out), "no control data: no descriptors");
        }
    }
}
