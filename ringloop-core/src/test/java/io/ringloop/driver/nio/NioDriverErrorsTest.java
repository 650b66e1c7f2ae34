package io.ringloop.driver.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringloop.sys.Errno;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnsupportedAddressTypeException;
import org.junit.jupiter.api.Test;

/** The JDK exception to errno table of the NIO backend (pure mapping, no sockets). */
final class NioDriverErrorsTest {
    @Test
    void shouldMapJdkExceptionsToErrno() {
        assertEquals(-Errno.ECONNREFUSED, NioErrors.result(new ConnectException("Connection refused")));
        assertEquals(Errno.ETIMEDOUT, NioErrors.errno(new ConnectException("Connection timed out")));
        assertEquals(Errno.EBADF, NioErrors.errno(new ClosedChannelException()));
        assertEquals(Errno.EBADF, NioErrors.errno(new AsynchronousCloseException()));
        assertEquals(Errno.ECONNRESET, NioErrors.errno(new SocketException("Connection reset")));
        assertEquals(Errno.ECONNRESET, NioErrors.errno(new IOException("Connection reset by peer")));
        assertEquals(Errno.EPIPE, NioErrors.errno(new IOException("Broken pipe")));
        assertEquals(Errno.EADDRINUSE, NioErrors.errno(new BindException("Address already in use")));
        assertEquals(Errno.EADDRNOTAVAIL, NioErrors.errno(new BindException("Cannot assign requested address")));
        assertEquals(Errno.EADDRINUSE, NioErrors.errno(new BindException()));
        assertEquals(Errno.EHOSTUNREACH, NioErrors.errno(new NoRouteToHostException("No route to host")));
        assertEquals(Errno.ENETUNREACH, NioErrors.errno(new NoRouteToHostException("Network is unreachable")));
        assertEquals(Errno.ENOTCONN, NioErrors.errno(new NotYetConnectedException()));
        assertEquals(Errno.EAFNOSUPPORT, NioErrors.errno(new UnsupportedAddressTypeException()));
        assertEquals(Errno.EIO, NioErrors.errno(new IOException("something else")));
        assertEquals(Errno.EIO, NioErrors.errno(new IOException()));
        assertEquals(Errno.EINVAL, NioErrors.errno(new IllegalArgumentException("Read-only buffer")));
    }
}
