package io.ringloop.net;

import io.ringloop.loop.EventLoop;
import io.ringloop.task.JoinHandle;
import io.ringloop.task.Tasks;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One connect by name, racing its addresses as RFC 8305 ("Happy Eyeballs Version 2") says: the addresses in the
 * resolver's order of preference, families interleaved starting with the first one's (section 4); the first
 * attempt at once, each next one when the previous has failed or after the connection attempt delay (section 5,
 * 250 ms by default), whichever comes first; the first to connect wins, every other attempt is cancelled and a
 * socket that connected anyway is closed (the connect returns only when no attempt is left running, so no
 * descriptor outlives it). Section 3's separate AAAA and A queries do not apply: the JDK resolver answers both
 * families in one call.
 *
 * <p>Each attempt is a task on the target loop doing a plain {@link TcpStream#connect(EventLoop,
 * InetSocketAddress, java.time.Duration)}: cancelling it (an interrupt) cancels its connect in the driver. The
 * coordinating caller parks on a queue of outcomes, so only public task machinery is used. Not a hot path.
 */
final class HappyEyeballs {
    /** What one attempt ended with: its stream, or why not (null and null: it gave up before starting). */
    private record Outcome(int index, TcpStream stream, Throwable failure) {
    }

    private final EventLoop loop;
    private final String what;
    private final List<InetSocketAddress> targets;
    private final long attemptDelayNs;
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final List<JoinHandle<TcpStream>> attempts = new ArrayList<>();
    /** Why each target's attempt failed, by index; null while it runs or if it never started. */
    private final Throwable[] failures;
    /** Set when the connect has its winner or gives up: an attempt that has not started yet does not start. */
    private volatile boolean over;
    /** Attempts whose outcome has not been taken from {@link #outcomes}. Caller's thread only. */
    private int running;

    private HappyEyeballs(EventLoop loop, String what, List<InetSocketAddress> targets, long attemptDelayNs) {
        this.loop = loop;
        this.what = what;
        this.targets = targets;
        this.attemptDelayNs = attemptDelayNs;
        this.failures = new Throwable[targets.size()];
    }

    /**
     * Connects to {@code port} at one of {@code addresses} (not empty) on {@code loop}; {@code deadlineNs} is a
     * {@link System#nanoTime()} deadline if {@code hasDeadline}.
     */
    static TcpStream connect(EventLoop loop, String host, int port, List<InetAddress> addresses,
                             long attemptDelayNs, long deadlineNs, boolean hasDeadline) throws IOException {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("connect(" + host + ":" + port + "): no addresses");
        }
        List<InetSocketAddress> targets = new ArrayList<>();
        for (InetAddress a : interleave(addresses)) {
            targets.add(new InetSocketAddress(a, port));
        }
        String what = "connect(" + host + ":" + port + ")";
        return new HappyEyeballs(loop, what, targets, attemptDelayNs).run(deadlineNs, hasDeadline);
    }

    /**
     * RFC 8305 section 4: duplicates dropped, then the two families alternate, starting with the family of the
     * first address; within a family the given order stays.
     */
    static List<InetAddress> interleave(List<InetAddress> addresses) {
        List<InetAddress> unique = new ArrayList<>(new LinkedHashSet<>(addresses));
        if (unique.isEmpty()) {
            return unique;
        }
        boolean firstIs6 = unique.get(0) instanceof Inet6Address;
        List<InetAddress> first = new ArrayList<>();
        List<InetAddress> second = new ArrayList<>();
        for (InetAddress a : unique) {
            ((a instanceof Inet6Address) == firstIs6 ? first : second).add(a);
        }
        List<InetAddress> out = new ArrayList<>(unique.size());
        for (int i = 0; i < Math.max(first.size(), second.size()); i++) {
            if (i < first.size()) {
                out.add(first.get(i));
            }
            if (i < second.size()) {
                out.add(second.get(i));
            }
        }
        return out;
    }

    private TcpStream run(long deadlineNs, boolean hasDeadline) throws IOException {
        TcpStream winner = null;
        try {
            start();
            long nextStartNs = System.nanoTime() + attemptDelayNs;
            while (true) {
                if (running == 0 && attempts.size() == targets.size()) {
                    throw allFailed();
                }
                long nowNs = System.nanoTime();
                if (hasDeadline && deadlineNs - nowNs <= 0) {
                    throw timedOut();
                }
                boolean more = attempts.size() < targets.size();
                if (more && (running == 0 || nextStartNs - nowNs <= 0)) {
                    start(); // the previous ones all failed, or the attempt delay is over
                    nextStartNs = nowNs + attemptDelayNs;
                    continue;
                }
                Outcome o = next(more, nextStartNs - nowNs, hasDeadline, deadlineNs - nowNs);
                if (o == null) {
                    continue; // a delay or the deadline is over: the top of the loop sees which
                }
                running--;
                if (o.stream() != null) {
                    winner = o.stream();
                    return winner;
                }
                failures[o.index()] = o.failure();
                nextStartNs = System.nanoTime(); // a failure starts the next attempt at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException(what + ": cancelled");
        } finally {
            over = true;
            stopOthers(winner);
        }
    }

    /** The next outcome within the nearer of the attempt delay (if an attempt is left) and the deadline. */
    private Outcome next(boolean more, long untilNextNs, boolean hasDeadline, long untilDeadlineNs)
            throws InterruptedException {
        long waitNs = more ? untilNextNs : Long.MAX_VALUE;
        if (hasDeadline) {
            waitNs = Math.min(waitNs, untilDeadlineNs);
        }
        return waitNs == Long.MAX_VALUE ? outcomes.take() : outcomes.poll(waitNs, TimeUnit.NANOSECONDS);
    }

    /** Starts the attempt on the next target, as a task on the loop; a refused spawn is that attempt's failure. */
    private void start() {
        int index = attempts.size();
        InetSocketAddress target = targets.get(index);
        JoinHandle<TcpStream> h;
        try {
            // Joined from the start: an attempt's failure is this connect's to report, not an uncaught one.
            h = Tasks.spawnJoined(loop, false, () -> over ? null : TcpStream.connect(loop, target, null));
        } catch (RuntimeException e) { // the loop is shutting down
            attempts.add(null);
            failures[index] = e;
            return;
        }
        attempts.add(h);
        running++;
        h.toCompletionStage().whenComplete((stream, failure) -> outcomes.add(new Outcome(index, stream,
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure)));
    }

    /**
     * Cancels every attempt but the winner's and waits until each has ended, closing any that connected after
     * all. Waits through interrupts (cancelled attempts end promptly) and restores the interrupt status.
     */
    private void stopOthers(TcpStream winner) {
        for (JoinHandle<TcpStream> h : attempts) {
            if (h != null && !h.isDone()) {
                h.cancel();
            }
        }
        boolean interrupted = false;
        while (running > 0) {
            Outcome o;
            try {
                o = outcomes.take();
            } catch (InterruptedException e) {
                interrupted = true;
                continue;
            }
            running--;
            if (o.stream() != null && o.stream() != winner) {
                closeQuietly(o.stream());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(TcpStream s) {
        try {
            s.close();
        } catch (IOException ignore) {
            // A loser that connected after the winner: nobody waits for its close, the fd is released either way.
        }
    }

    /** Every address failed: one exception naming the host and each address with its reason. */
    private ConnectException allFailed() {
        StringBuilder m = new StringBuilder(what).append(": ");
        m.append(targets.size() == 1 ? "the one address failed: " : "all " + targets.size() + " addresses failed: ");
        describe(m, false);
        ConnectException e = new ConnectException(m.toString());
        suppressFailures(e);
        return e;
    }

    private SocketTimeoutException timedOut() {
        StringBuilder m = new StringBuilder(what).append(": no address connected in time; ");
        describe(m, true);
        SocketTimeoutException e = new SocketTimeoutException(m.toString());
        suppressFailures(e);
        return e;
    }

    /** "[::1]:80 (reason), 127.0.0.1:80 (no answer yet)": each target started, in the order tried. */
    private void describe(StringBuilder m, boolean timedOut) {
        for (int i = 0; i < attempts.size(); i++) {
            if (i > 0) {
                m.append(", ");
            }
            String target = text(targets.get(i));
            m.append(target).append(" (").append(reason(target, failures[i])).append(')');
        }
        if (timedOut && attempts.size() < targets.size()) {
            m.append("; ").append(targets.size() - attempts.size()).append(" not tried");
        }
    }

    /** Why one attempt failed, without the "connect(address): " its own message starts with. */
    private static String reason(String target, Throwable f) {
        if (f == null) {
            return "no answer yet";
        }
        String m = f.getMessage();
        if (m == null) {
            return f.toString();
        }
        String prefix = "connect(" + target + "): ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /** {@code 127.0.0.1:80}, {@code [::1]:80}: the address alone, not the host name it was resolved from. */
    static String text(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    private void suppressFailures(Throwable e) {
        for (Throwable f : failures) {
            if (f != null) {
                e.addSuppressed(f);
            }
        }
    }
}
