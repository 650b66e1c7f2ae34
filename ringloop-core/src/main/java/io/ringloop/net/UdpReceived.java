package io.ringloop.net;

import java.net.InetSocketAddress;

/**
 * What one datagram receive got ({@link UdpSocket#receiveDatagram}): who sent it, how long it was, and how much of
 * it fit in the buffer. A datagram longer than the buffer is truncated (the rest is gone, as UDP does), and
 * {@link #truncated()} says so.
 *
 * @param sender   the sender's address
 * @param length   the datagram's full length in bytes, as sent
 * @param received the bytes put in the buffer: {@code min(length, room in the buffer)}
 */
public record UdpReceived(InetSocketAddress sender, int length, int received) {
    /** True when the datagram was longer than the buffer, so only {@link #received()} of its bytes were kept. */
    public boolean truncated() {
        return length > received;
    }
}
