package io.ringloop.sync;

import static io.ringloop.sync.TestThreads.awaitParked;
import static io.ringloop.sync.TestThreads.joinAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.sync.TestThreads.Kind;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class OneshotTest {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Test
    void shouldDeliverOnceThenReportTaken() throws InterruptedException {
        Oneshot<String> oneshot = new Oneshot<>();
        assertNull(oneshot.tryReceive());
        assertFalse(oneshot.isDone());
        oneshot.send("v");
        assertTrue(oneshot.isDone());
        assertThrows(IllegalStateException.class, () -> oneshot.send("again"));
        assertEquals("v", oneshot.receive());
        assertThrows(ChannelClosedException.class, oneshot::receive);
    }

    @Test
    void shouldTellReceiverWhenSenderGivesUp() {
        Oneshot<String> oneshot = new Oneshot<>();
        oneshot.close();
        ChannelClosedException e = assertThrows(ChannelClosedException.class, oneshot::receive);
        assertFalse(e.receiverClosed());
        assertThrows(IllegalStateException.class, () -> oneshot.send("late"));
    }

    @Test
    void shouldTellSenderWhenReceiverIsGone() {
        Oneshot<String> oneshot = new Oneshot<>();
        oneshot.closeReceiver();
        ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> oneshot.send("v"));
        assertTrue(e.receiverClosed());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeParkedReceiver(Kind kind) throws InterruptedException {
        Oneshot<String> oneshot = new Oneshot<>();
        AtomicReference<String> got = new AtomicReference<>();
        Thread receiver = kind.start("receiver", () -> got.set(oneshot.receive()), failure);
        awaitParked(receiver);
        oneshot.send("hello");
        joinAll(List.of(receiver), failure);
        assertEquals("hello", got.get());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeParkedReceiverOnSenderClose(Kind kind) throws InterruptedException {
        Oneshot<String> oneshot = new Oneshot<>();
        Thread receiver = kind.start("receiver",
                () -> assertThrows(ChannelClosedException.class, oneshot::receive), failure);
        awaitParked(receiver);
        oneshot.close();
        joinAll(List.of(receiver), failure);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldKeepValueForInterruptedReceiver(Kind kind) throws InterruptedException {
        Oneshot<String> oneshot = new Oneshot<>();
        Thread receiver = kind.start("receiver",
                () -> assertThrows(InterruptedException.class, oneshot::receive), failure);
        awaitParked(receiver);
        receiver.interrupt();
        joinAll(List.of(receiver), failure);
        oneshot.send("kept");
        assertEquals("kept", oneshot.receive());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldHandOverUnderRace(Kind kind) throws InterruptedException {
        for (int round = 0; round < 2_000; round++) {
            Oneshot<Integer> oneshot = new Oneshot<>();
            AtomicReference<Integer> got = new AtomicReference<>();
            Thread receiver = kind.start("receiver", () -> got.set(oneshot.receive()), failure);
            int value = round;
            Thread sender = kind.start("sender", () -> oneshot.send(value), failure);
            joinAll(List.of(sender, receiver), failure);
            assertEquals(round, got.get());
        }
    }
}
