package io.ringloop.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
