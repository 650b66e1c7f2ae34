/**
 * Linux through the Foreign Function &amp; Memory API: one stateless class per kernel facility
 * ({@link io.ringloop.sys.Libc} fd calls, {@link io.ringloop.sys.Socket}, {@link io.ringloop.sys.Epoll},
 * {@link io.ringloop.sys.EventFd}, ...), struct layouts quoted from their headers, and
 * {@link io.ringloop.sys.Errno}.
 *
 * <p>Invariants: this package knows nothing of ringloop. Calls return raw results (non-negative or
 * {@code -errno}); errno is captured with {@code Linker.Option.captureCallState} into a call-state segment
 * the caller owns, so no call allocates. Only this package calls {@code Linker} or handles raw addresses.
 */
package io.ringloop.sys;
