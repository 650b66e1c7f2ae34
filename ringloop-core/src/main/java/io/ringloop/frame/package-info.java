/**
 * Framing on loop-owned buffers (ringline's model): a connection's parser is shown the bytes already received,
 * in place, and answers "consumed n", "need more" or "need at least k"; answers are queued without waiting and
 * leave in one gathered write per connection per loop turn.
 *
 * <p>{@link io.ringloop.frame.FrameServer} accepts and hands each connection a
 * {@link io.ringloop.frame.FrameHandler} (callback style: no task, no virtual thread per connection);
 * {@link io.ringloop.frame.FrameConnection} is what the handler sends on and closes;
 * {@link io.ringloop.frame.FrameView} is the read-only view of the received bytes.
 *
 * <p>Invariants:
 * <ul>
 *   <li><b>The loop owns receive memory.</b> On io_uring with multishot receive the view is the provided buffer
 *       the kernel filled; elsewhere it is the loop's 64 KiB scratch (epoll and NIO read into it when the socket
 *       is ready, io_uring with a direct recv(2) or after a POLL_ADD), shared by every connection of the loop
 *       because it is only written while a result is delivered ({@code Driver.receive}). A view is valid for one
 *       handler call: an epoch bumped after each call makes a stored view throw.</li>
 *   <li><b>No receive memory survives a turn.</b> What the handler leaves unconsumed is copied into a pooled
 *       accumulator and the buffer goes back to the ring at once; an empty accumulator goes back to the pool. An
 *       idle connection holds its {@code FrameConnection}, its handler and at most one timer entry.</li>
 *   <li><b>Bounded.</b> A frame may need at most {@code maxFrame} bytes ({@link io.ringloop.io.FrameTooLongException}
 *       past it); output above the high watermark (64 KiB) stops parsing and reading until it is below the low
 *       one (32 KiB); past four times the high watermark the connection is aborted. Each connection gets at most
 *       128 handler calls or 256 KiB per loop turn, then resumes after the loop's next poll.</li>
 *   <li><b>One write per connection per turn.</b> Sends mark the connection dirty; the loop's flush, which runs
 *       before its next poll, starts one gathered write (up to 64 iovecs) per connection with none in flight.
 *       On io_uring a heap write is a direct send(2) first and its SQE (if it must wait) goes out in the
 *       {@code io_uring_enter} that waits.</li>
 *   <li><b>Timeouts</b> live in the connection, with one timer entry re-armed lazily ({@code FrameDeadlines}):
 *       idle (no partial frame and nothing queued), read (from a partial frame's first byte), write (no progress
 *       on queued output), and with TLS the handshake's limit.</li>
 *   <li><b>TLS</b> ({@link io.ringloop.frame.FrameOptions#withTls}) changes none of the above: records are
 *       decrypted from the loop's receive memory into a per-loop plaintext scratch shown in place, a partial
 *       record is the only ciphertext a connection keeps, and the flush encrypts queued plaintext into one
 *       pooled buffer per write ({@code FrameTls}, {@code FrameTlsBuffers}). The handler hears {@code onOpen}
 *       after the handshake; close_notify goes out at every graceful close.</li>
 * </ul>
 *
 * <p>References: ringline ({@code ringline/src/runtime/io.rs}: Consumed/NeedMore/NeedAtLeast; its accumulator and
 * send queue), Netty's {@code ByteToMessageDecoder} (an idle channel holds nothing) and
 * {@code WriteBufferWaterMark}, tokio's coop budget. See docs/DESIGN.md.
 */
package io.ringloop.frame;
