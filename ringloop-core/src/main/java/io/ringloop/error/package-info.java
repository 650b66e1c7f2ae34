/**
 * What users catch: {@link io.ringloop.error.SyscallException}, a failed Linux call with its errno.
 *
 * <p>The errnos a Java user expects as JDK types arrive as those types (ECONNREFUSED as
 * {@link java.net.ConnectException}, ETIMEDOUT as {@link java.net.SocketTimeoutException}, EADDRINUSE as
 * {@link java.net.BindException}, EBADF on a closed handle as {@link java.nio.channels.ClosedChannelException},
 * ENOENT as {@link java.nio.file.NoSuchFileException}, ...); every other errno is a {@code SyscallException}. Each
 * message names the call, the argument that matters and the errno:
 * {@code connect(127.0.0.1:1): ECONNREFUSED (111) Connection refused}.
 *
 * <p>Invariant: the bottom of the floor plan. Every package may use this one; it uses none of ringloop's.
 */
package io.ringloop.error;
