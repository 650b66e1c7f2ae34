/**
 * A fault-injecting {@link io.ringloop.driver.Driver}: {@link io.ringloop.driver.fault.FaultInjectingDriver}
 * wraps any backend and, from a seed, makes it behave as a real kernel may on a bad day, within the driver
 * contract. Tests run the loops on it to show that nothing is lost and everyone else is still served.
 *
 * <h2>What it injects</h2>
 * {@link io.ringloop.driver.fault.Fault} lists the kinds; a {@link io.ringloop.driver.fault.FaultMix} says how
 * often each happens. The benign kinds must be invisible to correct code:
 * <ul>
 *   <li>short reads and writes (1 byte up to all; scatter/gather arrays cut after a random count);</li>
 *   <li>EAGAIN: a count the backend had at once is held and delivered at a later poll, so the caller parks
 *       (an error given at once stays at once, as every backend gives it);</li>
 *   <li>EINTR: the call is made at the next poll instead of now (the driver's retry), on handles this driver
 *       opened only (a stranger's call fails at once);</li>
 *   <li>completions held back for a few polls, or delivered after others that arrived later: across handles
 *       only, never overtaking a result of the same handle (one stream's order is the kernel's);</li>
 *   <li>spurious wake-ups: a {@code poll} with a timeout returns at once with nothing.</li>
 * </ul>
 * Splices are treated as reads (socket to pipe) or writes (pipe to socket) of their socket: shortened, held,
 * reset alike.
 * The hostile kinds (resets under a read or write, accepts that fail or are refused with EMFILE) break things
 * a correct program survives but sees (or, for EMFILE, logs). Datagrams are never shortened. EAGAIN and EINTR
 * never reach the caller: they become {@code PENDING} and a later completion, as in every backend.
 *
 * <h2>Invariants it keeps</h2>
 * Exactly one completion per pending operation, on the loop thread; {@code isPending()} true until then, and
 * a completion with an operation pending is refused with {@code IllegalStateException};
 * {@code cancel} never loses a result (a held one is the raced result); {@code close(handle)} delivers what is
 * held for the handle before it returns, and cancels calls not yet made; {@code close()} cancels everything.
 * It also checks the backend underneath: a completion that comes twice, for nothing pending, or not by the
 * end of {@code close(handle)} is recorded as a violation.
 *
 * <h2>Seeds</h2>
 * Every decision draws from one {@code SplittableRandom} per wrapper, so a seed gives the same decisions for
 * the same sequence of calls (the kernel's timing still varies). Setting the system property
 * {@code ringloop.faultSeed=N} (and optionally {@code ringloop.faultMix=benign|hostile|kind=chance,...}) puts
 * every loop opened afterwards on a wrapper seeded from N and the loop's name ({@code loop.internal.Drivers});
 * that is how a failing seed of the fault suite is reproduced, and how any test can be run under faults. An
 * internal hook for tests, not an API. The driver contract suite ({@code driver.contract.DriverKind}) takes
 * the property too; its tests that expect a result at once or a whole transfer then fail by design, the rest
 * check that the wrapper keeps the contract.
 */
package io.ringloop.driver.fault;
