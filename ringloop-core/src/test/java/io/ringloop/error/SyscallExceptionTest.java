package io.ringloop.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The errno conversion users see: the exported {@link SyscallException}, and the JDK types it maps onto. */
class SyscallExceptionTest {

    @Test
    void shouldNameCallErrnoAndNameOfAnUnmappedErrno() {
        IOException e = Errno.exception("io_uring_setup(entries=8)", -Errno.ENOSYS);

        SyscallException se = assertInstanceOf(SyscallException.class, e);
        assertEquals("io_uring_setup(entries=8)", se.call());
        assertEquals(Errno.ENOSYS, se.errno());
        assertEquals("ENOSYS", se.errnoName());
        assertEquals("io_uring_setup(entries=8): ENOSYS (38) Function not implemented", se.getMessage());
    }

    @Test
    void shouldNameAnErrnoWithoutATableEntryByNumber() {
        SyscallException se = assertInstanceOf(SyscallException.class, Errno.exception("ioctl(fd=3)", 133));

        assertEquals(133, se.errno());
        assertEquals("errno 133", se.errnoName());
        assertEquals("ioctl(fd=3): errno 133", se.getMessage());
    }

    @Test
    void shouldMapErrnosUsersExpectOntoJdkTypes() {
        assertInstanceOf(ConnectException.class, Errno.exception("connect(127.0.0.1:1)", -Errno.ECONNREFUSED));
        assertInstanceOf(BindException.class, Errno.exception("bind(0.0.0.0:80)", -Errno.EADDRINUSE));
        assertInstanceOf(NoSuchFileException.class, Errno.exception("open(/nope)", -Errno.ENOENT));
        IOException closed = Errno.exception("read(fd=9)", -Errno.EBADF);

        assertInstanceOf(ClosedChannelException.class, closed);
        SyscallException cause = assertInstanceOf(SyscallException.class, closed.getCause());
        assertEquals("EBADF", cause.errnoName());
        assertEquals("read(fd=9)", cause.call());
    }
}
