package io.ringloop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.driver.contract.DriverTestSupport.Recorder;
import org.junit.jupiter.api.Test;

/**
 * Operation slots with generations: a token whose operation ended never resolves again, not even to the
 * operation that reused its slot. (The same rule through each driver, late events after close and fd reuse:
 * {@code driver.contract.CloseContractTest}.)
 */
final class OpTableTest {
    @Test
    void shouldIgnoreReleasedTokenInOpTable() {
        OpTable table = new OpTable(4);
        Recorder a = new Recorder();
        long first = table.claim(a, 7, 1, null);
        assertSame(a, table.release(first));
        Recorder b = new Recorder();
        long second = table.claim(b, 7, 1, null);
        assertEquals(first & 0xFFFF_FFFFL, second & 0xFFFF_FFFFL, "the slot is reused");
        assertTrue(first != second, "with a new generation");
        assertNull(table.lookup(first), "the old token no longer resolves");
        assertNull(table.release(first), "nor can it free the new operation");
        assertSame(b, table.lookup(second));
    }

    @Test
    void shouldGrowAndKeepEveryLiveToken() {
        OpTable table = new OpTable(4);
        long[] tokens = new long[100];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = table.claim(new Recorder(), i, 1, null);
        }
        assertEquals(100, table.size());
        for (long t : tokens) {
            assertTrue(table.isLive(t));
            table.release(t);
        }
        assertEquals(0, table.size());
    }
}
