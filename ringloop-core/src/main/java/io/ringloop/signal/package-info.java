/**
 * Process signals as something a task can wait on: {@link io.ringloop.signal.Signals#await}.
 *
 * <p>Why not signalfd: signalfd only receives signals that are blocked in <i>every</i> thread of the
 * process, and the signal mask is per thread. A JVM has started threads of its own (GC, JIT, the signal
 * dispatcher) long before a ringloop loop exists, with SIGINT/SIGTERM unblocked, so the kernel would deliver
 * those signals to one of them and signalfd would never see them. The JDK's own signal hook is the one that
 * works on every platform; its handler thread just unparks the waiting tasks.
 */
package io.ringloop.signal;
