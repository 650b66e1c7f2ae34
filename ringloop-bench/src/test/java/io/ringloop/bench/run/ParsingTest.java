package io.ringloop.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small parsers the orchestrator relies on: /proc/<pid>/stat, cpulists, the generator's RESULT line. */
final class ParsingTest {

    @Test
    void shouldReadUtimePlusStimeEvenWhenTheCommandHasSpacesAndParentheses() {
        String stat = "4242 (java (my) app) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 30 0 100 "
                + "9000000 5000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
        assertEquals(325, ProcStat.parseCpuTicks(stat));
    }

    @Test
    void shouldReadOurOwnCpuTime() throws Exception {
        long cpuNs = ProcStat.cpuNs(ProcessHandle.current().pid());
        assertEquals(0, cpuNs % (1_000_000_000L / ProcStat.CLOCK_TICKS_PER_SEC));
    }

    @Test
    void shouldExpandCpuLists() {
        assertEquals(List.of(0, 1, 2, 5, 8, 9), Cpus.parseList("0-2,5,8-9"));
        Cpus cpus = new Cpus(List.of(2, 3, 4));
        assertEquals("2", cpus.serverList());
        assertEquals("3,4", cpus.generatorList());
        assertEquals(2, cpus.generatorCores());
    }

    @Test
    void shouldParseResultLinesIntoNumbers() {
        Map<String, Object> run = PointRunner.parse("messages=1200 msgsPerSec=600.500 p99Ns=41000 note=x");
        assertEquals(1200L, run.get("messages"));
        assertEquals(600.5, run.get("msgsPerSec"));
        assertEquals("x", run.get("note"));
        PointRunner.withServerCpu(run, 2_400_000L);
        assertEquals(2.0, (double) run.get("serverCpuUsPerMsg"), 1e-9);
    }

    @Test
    void shouldReadTheRingCountersFromFdinfo() {
        String fdinfo = "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t834146\nSqMask:\t0x3ff\nSqHead:\t85762\n"
                + "SqTail:\t85763\nCachedSqHead:\t85762\nCqMask:\t0x7ff\nCqHead:\t128610\nCqTail:\t128618\n"
                + "CachedCqTail:\t128618\nSQEs:\t0\nCQEs:\t0\n";
        assertEquals(new RingCounters(1, 85762, 128618), RingCounters.parse(fdinfo));
        // An older kernel's fdinfo (or not a ring at all) has no counters: no ring.
        assertEquals(0, RingCounters.parse("pos:\t0\nflags:\t02\n").rings());
    }

    @Test
    void shouldCountRingOpsAcrossTheU32WrapAndPerMessage() {
        RingCounters start = new RingCounters(1, 0xFFFF_FF00L, 0xFFFF_FFF0L);
        RingCounters end = new RingCounters(1, 0x100L, 0x210L);
        assertEquals(0x200, end.sqesSince(start));
        assertEquals(0x220, end.cqesSince(start));
        Map<String, Object> run = new HashMap<>(Map.of("messages", 16L));
        PointRunner.withRingCounters(run, start, end);
        assertEquals(512L, run.get("ringSqes"));
        assertEquals(2.0, (double) run.get("ringExtraCqesPerMsg"), 1e-9); // (544 - 512) / 16
        Map<String, Object> noRing = new HashMap<>(Map.of("messages", 16L));
        PointRunner.withRingCounters(noRing, new RingCounters(0, 0, 0), new RingCounters(0, 0, 0));
        assertEquals(Map.of("messages", 16L), noRing);
    }

    @Test
    void shouldReadTheRingsOfALiveProcessOrNoneWithoutFailing() {
        // This JVM may or may not hold a ring (other tests in the fork); a pid that cannot exist has none.
        assertEquals(new RingCounters(0, 0, 0), RingCounters.read(Long.MAX_VALUE));
    }

    @Test
    void shouldTakeTheMedianOfTheWindows() {
        Scenario scenario = Scenario.all(1000).getFirst();
        ServerSpec spec = ServerCatalog.byId("netty-epoll").orElseThrow();
        PointResult point = new PointResult(spec, scenario, "ok", "", "", List.of(
                Map.of("msgsPerSec", 3.0), Map.of("msgsPerSec", 1.0), Map.of("msgsPerSec", 2.0)));
        assertEquals(2.0, point.median("msgsPerSec"));
        assertEquals(1.0, point.min("msgsPerSec"));
        assertEquals(3.0, point.max("msgsPerSec"));
    }
}
