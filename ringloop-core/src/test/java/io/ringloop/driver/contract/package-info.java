/**
 * The driver contract suite: every rule that {@link io.ringloop.driver.Driver}, {@link io.ringloop.driver.Completion}
 * and {@code driver/package-info.java} state, checked on every backend. Each test is parameterized over
 * {@link io.ringloop.driver.contract.DriverKind} ({@code @EnumSource}), which opens each backend through its public
 * constructor in its default configuration (io_uring skips by assumption where it is unusable); a new backend
 * is one more constant there. The test thread is the loop: it calls {@code poll} itself.
 *
 * <h2>Where each rule is checked</h2>
 * <ul>
 *   <li>Results are a count, {@code -errno} or PENDING, never -EAGAIN; a pending operation completes exactly
 *       once; a result returned at once never calls the completion: every wait of
 *       {@link io.ringloop.driver.contract.DriverTestSupport#await} checks these, and {@code LoopContractTest}
 *       checks them on purpose (sockets that would block, immediate results, one operation per completion).</li>
 *   <li>Sockets and data: {@code StreamContractTest} (accept, connect, read, write, end of stream, errors,
 *       options, IPv6), {@code DatagramContractTest}, {@code VectoredIoContractTest} (readv/writev),
 *       {@code FileContractTest} (files or -EOPNOTSUPP), {@code SpliceContractTest} (pipes and splice, or
 *       UnsupportedOperationException naming NIO).</li>
 *   <li>Cancel never loses data and says false when nothing is pending: {@code CancelContractTest}, with the
 *       cancel/read race under stress in {@link io.ringloop.driver.contract.CancelRace}.</li>
 *   <li>close(handle) and close(): pending operations end with -ECANCELED, late events after close and handle
 *       reuse reach nobody, every fd and all native memory come back: {@code CloseContractTest}.</li>
 *   <li>The loop: wakeup from another thread (also racing close), callers on virtual threads, more operations
 *       in flight than an 8-entry ring or one epoll wait holds: {@code LoopContractTest}.</li>
 *   <li>detach/adopt: {@code DetachContractTest}; pollReady (NIO: -EOPNOTSUPP): {@code PollReadyContractTest};
 *       deadline (false where the kernel keeps no time): {@code DeadlineContractTest}.</li>
 * </ul>
 *
 * <p>What only one backend has (SQE batching, multishot, fixed files, setup flags, zero copy, epoll's table
 * growth, NIO's option recording and exception mapping) is tested beside it, in {@code driver.uring},
 * {@code driver.epoll} and {@code driver.nio}, with the same {@link io.ringloop.driver.contract.DriverTestSupport}.
 * Model: Netty's {@code testsuite}, one suite run against each transport.
 */
package io.ringloop.driver.contract;
