/**
 * Files for tasks: {@link io.ringloop.fs.AsyncFile} (positional I/O, sync, stat, truncate, preallocate, O_DIRECT,
 * transfer to a stream) and {@link io.ringloop.fs.AsyncFiles} (rename, delete, directories). Through io_uring
 * submissions where the loop's driver does files (the loop never blocks), else as the system call on a bounded
 * pool of platform threads while the task parks; an io_uring opcode the kernel lacks (FTRUNCATE before 6.9)
 * goes to the pool too, file by file and call by call, so every call works on every backend.
 *
 * <p>Invariants: an fd is closed only after the calls in flight on it have ended (a pooled call queued before
 * the close never meets a recycled number); memory a call lends the kernel (paths, the statx buffer, a pooled
 * call's staging) stays alive until its completion, also when the task is cancelled (io_uring: the cancel is
 * waited for; the pool: the call runs to its end). Errors carry the call, the path and the errno on every backend.
 * This package ranks above {@code net} (ArchitectureTest) because {@code transferTo} writes to its streams.
 */
package io.ringloop.fs;
