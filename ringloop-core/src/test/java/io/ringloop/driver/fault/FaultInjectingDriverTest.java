package io.ringloop.driver.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.Completion;
import io.ringloop.driver.Driver;
import io.ringloop.sys.Errno;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wrapper's rules, against a backend whose answers the test writes. */
class FaultInjectingDriverTest {
    private final ScriptedDriver backend = new ScriptedDriver();
    private final MemorySegment buffer = MemorySegment.ofArray(new byte[100]);

    /** A completion that records what it got, and the order completions ran in. */
    static final class Recorder extends Completion {
        final List<Integer> results = new ArrayList<>();
        final List<int[]> log;
        final int id;

        Recorder(int id, List<int[]> log) {
            this.id = id;
            this.log = log;
        }

        Recorder() {
            this(0, new ArrayList<>());
        }

        @Override
        public void complete(int result) {
            results.add(result);
            log.add(new int[] {id, result});
        }
    }

    private FaultInjectingDriver faults(FaultMix mix) {
        return new FaultInjectingDriver(backend, 1, mix);
    }

    @Test
    void shouldDeliverAnImmediateResultAtTheNextPollWhenItBecomesPending() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.AS_PENDING, 1));
        backend.nextResult = 7;
        Recorder c = new Recorder();
        assertEquals(Driver.PENDING, d.read(5, buffer, 0, 10, c));
        assertTrue(c.isPending());
        assertEquals(List.of(), c.results);
        d.poll(0);
        assertEquals(List.of(7), c.results);
        assertFalse(c.isPending());
        assertEquals(1, d.count(Fault.AS_PENDING));
    }

    @Test
    void shouldMakeARetriedCallOnlyAtTheNextPoll() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.RETRIED, 1));
        Recorder c = new Recorder();
        assertEquals(5, d.socket(Driver.AF_INET, Driver.SOCK_STREAM));
        assertEquals(Driver.PENDING, d.write(5, buffer, 0, 10, c));
        assertEquals(List.of(), backend.calls, "not made yet");
        d.poll(0);
        assertEquals(List.of(new ScriptedDriver.Call("write", 5, 10)), backend.calls);
        backend.finish(5, 3);
        d.poll(0);
        assertEquals(List.of(3), c.results);
    }

    @Test
    void shouldShortenReadsAndWritesButNeverToNothing() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.SHORT_TRANSFER, 1));
        backend.nextResult = 1;
        for (int i = 0; i < 200; i++) {
            assertEquals(1, i % 2 == 0 ? d.read(5, buffer, 0, 100, new Recorder())
                    : d.writev(5, new MemorySegment[] {buffer.asSlice(0, 60), buffer.asSlice(60)}, new Recorder()));
        }
        long shortened = backend.calls.stream().filter(call -> call.length() < 100).count();
        long tiny = backend.calls.stream().filter(call -> call.length() <= 16).count();
        assertTrue(backend.calls.stream().allMatch(call -> call.length() >= 1 && call.length() <= 100));
        assertTrue(shortened > 150, "most calls shortened: " + shortened);
        assertTrue(tiny > 50, "often to a few bytes: " + tiny);
    }

    @Test
    void shouldNeverLetACompletionOvertakeOneOfItsOwnHandle() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.REORDERED, 1).with(Fault.DELAYED, 0.5));
        List<int[]> log = new ArrayList<>();
        int handles = 4;
        int rounds = 50;
        for (int round = 0; round < rounds; round++) {
            for (int h = 0; h < handles; h++) {
                assertEquals(Driver.PENDING, d.read(h, buffer, 0, 10, new Recorder(h, log)));
                backend.finish(h, round);
            }
        }
        for (int i = 0; i < 1000 && log.size() < handles * rounds; i++) {
            d.poll(0);
        }
        assertEquals(handles * rounds, log.size());
        int[] last = {-1, -1, -1, -1};
        boolean acrossHandles = false;
        for (int i = 0; i < log.size(); i++) {
            int[] e = log.get(i);
            assertTrue(e[1] > last[e[0]], "handle " + e[0] + " got " + e[1] + " after " + last[e[0]]);
            last[e[0]] = e[1];
            acrossHandles |= i > 0 && e[1] < log.get(i - 1)[1];
        }
        assertTrue(acrossHandles, "some completion was delivered before one that arrived earlier");
    }

    @Test
    void shouldDeliverWhatItHoldsForAHandleWhenTheHandleCloses() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.AS_PENDING, 1));
        backend.nextResult = 4;
        Recorder mine = new Recorder();
        Recorder other = new Recorder();
        d.read(5, buffer, 0, 10, mine);
        d.read(6, buffer, 0, 10, other);
        d.close(5);
        assertEquals(List.of(4), mine.results, "the real result: the bytes were read");
        assertEquals(List.of(), other.results);
    }

    @Test
    void shouldCancelACallNotYetMadeWhenItsHandleCloses() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.RETRIED, 1));
        Recorder c = new Recorder();
        int h = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        d.read(h, buffer, 0, 10, c);
        d.close(h);
        assertEquals(List.of(-Errno.ECANCELED), c.results);
        d.poll(0);
        assertEquals(List.of(), backend.calls, "a closed handle's call is never made");
        assertEquals(List.of(-Errno.ECANCELED), c.results);
    }

    @Test
    void shouldCancelWithoutLosingAResult() {
        FaultInjectingDriver held = faults(FaultMix.none().with(Fault.AS_PENDING, 1));
        backend.nextResult = 9;
        Recorder c = new Recorder();
        held.read(5, buffer, 0, 10, c);
        assertTrue(held.cancel(c));
        held.poll(0);
        assertEquals(List.of(9), c.results, "a held result raced the cancel and is delivered");
        assertFalse(held.cancel(c), "nothing pending any more");

        FaultInjectingDriver retried = new FaultInjectingDriver(backend, 1, FaultMix.none().with(Fault.RETRIED, 1));
        Recorder r = new Recorder();
        int h = retried.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        int callsBefore = backend.calls.size();
        retried.read(h, buffer, 0, 10, r);
        assertTrue(retried.cancel(r));
        retried.poll(0);
        assertEquals(List.of(-Errno.ECANCELED), r.results);
        assertEquals(callsBefore, backend.calls.size(), "the call put off was never made");
    }

    @Test
    void shouldPutOffOnlyCallsOnHandlesItOpenedAndKeepErrorsImmediate() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.RETRIED, 1).with(Fault.AS_PENDING, 1));
        backend.nextResult = -Errno.EBADF;
        assertEquals(-Errno.EBADF, d.read(42, buffer, 0, 10, new Recorder()), "a stranger's call is made at once");
        int h = d.socket(Driver.AF_INET, Driver.SOCK_STREAM);
        assertEquals(Driver.PENDING, d.read(h, buffer, 0, 10, new Recorder()), "an own handle's call is put off");
        FaultInjectingDriver immediate = faults(FaultMix.none().with(Fault.AS_PENDING, 1));
        assertEquals(-Errno.EBADF, immediate.read(h, buffer, 0, 10, new Recorder()), "an error stays immediate");
    }

    @Test
    void shouldRefuseACompletionThatHasAnOperationPending() {
        FaultInjectingDriver d = faults(FaultMix.none());
        Recorder c = new Recorder();
        assertEquals(Driver.PENDING, d.read(5, buffer, 0, 10, c));
        assertThrows(IllegalStateException.class, () -> d.read(6, buffer, 0, 10, c));
        assertEquals(1, backend.calls.size(), "nothing was tried");
    }

    @Test
    void shouldPassACancelOnToTheBackendWhileTheOperationIsThere() {
        FaultInjectingDriver d = faults(FaultMix.none());
        Recorder c = new Recorder();
        assertEquals(Driver.PENDING, d.read(5, buffer, 0, 10, c));
        assertTrue(d.cancel(c));
        assertEquals(List.of(-Errno.ECANCELED), c.results);
        assertEquals(0, backend.pending());
    }

    @Test
    void shouldLeaveTheCancelOfAnOperationPassedStraightOnToTheBackend() {
        FaultInjectingDriver d = faults(FaultMix.benign());
        Recorder c = new Recorder();
        MemorySegment readOnly = buffer.asReadOnly();
        assertEquals(Driver.PENDING, d.read(5, readOnly, 0, 10, c), "passed on as it is, for the backend to judge");
        assertTrue(d.cancel(c));
        assertEquals(List.of(-Errno.ECANCELED), c.results);
        assertFalse(d.cancel(new Recorder()), "nothing pending");
    }

    @Test
    void shouldNotWaitWhileItOwesAResult() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.AS_PENDING, 1));
        backend.nextResult = 1;
        d.read(5, buffer, 0, 10, new Recorder());
        d.poll(-1);
        assertEquals(List.of(0L), backend.pollTimeouts);
    }

    @Test
    void shouldWakeSpuriouslyOnlyFromAWait() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.SPURIOUS_WAKEUP, 1));
        assertEquals(0, d.poll(1_000_000));
        assertEquals(List.of(), backend.pollTimeouts, "returned without waiting");
        d.poll(0);
        assertEquals(List.of(0L), backend.pollTimeouts, "a poll that does not wait cannot wake spuriously");
        assertEquals(1, d.count(Fault.SPURIOUS_WAKEUP));
    }

    @Test
    void shouldDecideAlikeForTheSameSeed() {
        assertEquals(script(42), script(42));
        assertNotEquals(script(42), script(43));
    }

    /** A fixed sequence of calls under the benign mix: the order and results of what was delivered. */
    private static List<String> script(long seed) {
        ScriptedDriver b = new ScriptedDriver();
        FaultInjectingDriver d = new FaultInjectingDriver(b, seed, FaultMix.benign());
        List<int[]> log = new ArrayList<>();
        MemorySegment buf = MemorySegment.ofArray(new byte[64]);
        for (int i = 0; i < 100; i++) {
            b.nextResult = i % 3 == 0 ? Driver.PENDING : i;
            d.read(i % 5, buf, 0, 64, new Recorder(i, log));
            b.finishAll(1000 + i);
            d.poll(0);
        }
        for (int i = 0; i < 10; i++) {
            d.poll(0);
        }
        List<String> out = new ArrayList<>();
        for (int[] e : log) {
            out.add(e[0] + "=" + e[1]);
        }
        for (Fault f : Fault.values()) {
            out.add(f + ":" + d.count(f));
        }
        return out;
    }

    @Test
    void shouldRecordABackendThatCompletesTwice() {
        FaultInjectingDriver d = faults(FaultMix.none());
        Recorder c = new Recorder();
        d.read(5, buffer, 0, 10, c);
        Completion seen = backend.last;
        backend.finish(5, 2);
        d.poll(0);
        ScriptedDriver.completeAgain(seen, 3);
        assertEquals(List.of(2), c.results, "the caller hears once");
        assertEquals(1, d.violations().size(), d.violations().toString());
    }

    @Test
    void shouldBreakAConnectionForGoodOnAReset() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.RESET, 1));
        assertEquals(-Errno.ECONNRESET, d.read(5, buffer, 0, 10, new Recorder()));
        assertEquals(-Errno.EPIPE, d.write(5, buffer, 0, 10, new Recorder()));
        assertEquals(-Errno.ECONNRESET, d.readv(5, new MemorySegment[] {buffer}, new Recorder()));
        assertEquals(List.of(5), backend.shutdowns, "the peer sees the connection shut, once");
        assertEquals(List.of(), backend.calls);
        assertEquals(1, d.count(Fault.RESET));
    }

    @Test
    void shouldFailAnAcceptWithoutTakingTheConnection() {
        FaultInjectingDriver d = faults(FaultMix.none().with(Fault.ACCEPT_ABORTED, 1));
        assertEquals(-Errno.ECONNABORTED, d.accept(3, new Recorder()));
        assertEquals(List.of(), backend.calls);
    }

    @Test
    void shouldLetTheBackendRefuseWhatTheContractRefuses() {
        FaultInjectingDriver d = faults(FaultMix.benign());
        MemorySegment[] tooMany = new MemorySegment[Driver.MAX_IOVECS + 1];
        java.util.Arrays.fill(tooMany, buffer);
        backend.nextResult = 0;
        d.readv(5, tooMany, new Recorder());
        assertEquals("readv", backend.calls.getLast().what(), "passed on as it was, for the backend to refuse");
        assertEquals(Driver.MAX_IOVECS + 1, backend.calls.getLast().length() / 100);
    }

    @Test
    void shouldNameMixes() {
        assertTrue(FaultMix.benign().isBenign());
        assertFalse(FaultMix.hostile().isBenign());
        FaultMix m = FaultMix.named("short_transfer=0.5, reset=0.01");
        assertEquals(0.5, m.chance(Fault.SHORT_TRANSFER));
        assertEquals(0.01, m.chance(Fault.RESET));
        assertEquals(0, m.chance(Fault.DELAYED));
        assertEquals("short_transfer=0.5,reset=0.01", m.toString());
        assertThrows(IllegalArgumentException.class, () -> FaultMix.named("short_transfer"));
        assertThrows(IllegalArgumentException.class, () -> FaultMix.none().with(Fault.RESET, 2));
    }
}
