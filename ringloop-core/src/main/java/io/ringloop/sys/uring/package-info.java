/**
 * io_uring through the Foreign Function &amp; Memory API, without liburing: the three system calls and the
 * ABI's constants ({@link io.ringloop.sys.uring.IoUring}, with {@code opcodeName} for messages), its structs
 * as {@code MemoryLayout}s ({@link io.ringloop.sys.uring.IoUringLayouts}), and the mapped memory shared with
 * the kernel: the rings ({@link io.ringloop.sys.uring.IoUringRing}), the submission queue with one
 * {@code prep*} helper per operation ({@link io.ringloop.sys.uring.IoUringSubmissionQueue}), a provided-buffer
 * ring ({@link io.ringloop.sys.uring.IoUringBufRing}) and the registered-file table
 * ({@link io.ringloop.sys.uring.IoUringFileTable}).
 *
 * <h2>Design</h2>
 * Unlike the rest of {@code sys} these classes have state, because mapped memory must be read through
 * {@code reinterpret}ed segments, which only {@code sys} may create. They know nothing of ringloop's
 * operations: what to submit and what a CQE means is the driver's business. Dependencies point one way, each
 * class using only those after it: {@code IoUringRing}, {@code IoUringSubmissionQueue},
 * {@code IoUringFileTable} and {@code IoUringBufRing}, {@code IoUring}, {@code IoUringLayouts}.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Each offset is derived from a layout written down once, and {@code IoUringLayoutsTest} pins every size
 *       and offset against the header's numbers; {@code IoUringRingTest} checks the constants and opcode names
 *       against the installed header.</li>
 *   <li>We own the SQ tail, the CQ head and a buffer ring's tail, published with release stores; the kernel
 *       owns the SQ head, the CQ tail and the SQ flags, read with acquire loads. Accessor names carry the
 *       mode.</li>
 *   <li>A {@code prep*} helper zeroes its SQE, fills it and only then counts it: a helper that throws queues
 *       nothing. None allocates.</li>
 *   <li>Calls return a non-negative result or {@code -errno}, like the rest of {@code sys}.</li>
 *   <li>Loop thread only: one issuer per ring.</li>
 * </ul>
 *
 * <h2>References</h2>
 * {@code include/uapi/linux/io_uring.h} at v6.1
 * (https://github.com/torvalds/linux/blob/v6.1/include/uapi/linux/io_uring.h); liburing-2.6
 * {@code src/include/liburing.h} (https://github.com/axboe/liburing/blob/liburing-2.6/src/include/liburing.h)
 * for which field each {@code io_uring_prep_*} fills; Netty 4.2's {@code SubmissionQueue.java} for naming
 * offsets after the C fields.
 */
package io.ringloop.sys.uring;
