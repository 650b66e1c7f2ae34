package io.ringloop.sync;

import static io.ringloop.sync.TestThreads.awaitParked;
import static io.ringloop.sync.TestThreads.joinAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.sync.TestThreads.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

final class ChannelTest {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    static Stream<Arguments> channels() {
        Supplier<Channel<Integer>> bounded = () -> Channel.bounded(3);
        Supplier<Channel<Integer>> unbounded = Channel::unbounded;
        return Stream.of(Arguments.of("bounded", bounded), Arguments.of("unbounded", unbounded));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void shouldDeliverInOrder(String name, Supplier<Channel<Integer>> factory) throws InterruptedException {
        Channel<Integer> channel = factory.get();
        assertNull(channel.tryReceive());
        for (int i = 0; i < 3; i++) {
            channel.send(i);
        }
        assertEquals(3, channel.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, channel.receive());
        }
        assertNull(channel.tryReceive());
        assertEquals(0, channel.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void shouldDrainThenReportClosed(String name, Supplier<Channel<Integer>> factory) throws InterruptedException {
        Channel<Integer> channel = factory.get();
        channel.send(1);
        channel.send(2);
        channel.close();
        channel.close(); // idempotent
        assertTrue(channel.isClosed());
        ChannelClosedException sendAfterClose = assertThrows(ChannelClosedException.class, () -> channel.send(3));
        assertFalse(sendAfterClose.receiverClosed());
        assertEquals(1, channel.receive());
        assertEquals(2, channel.tryReceive());
        assertThrows(ChannelClosedException.class, channel::receive);
        assertThrows(ChannelClosedException.class, channel::tryReceive);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void shouldTellSendersWhenReceiverIsGone(String name, Supplier<Channel<Integer>> factory) {
        Channel<Integer> channel = factory.get();
        assertTrue(channel.trySend(1));
        channel.closeReceiver();
        ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> channel.trySend(2));
        assertTrue(e.receiverClosed());
        assertThrows(ChannelClosedException.class, () -> channel.send(2));
        assertThrows(ChannelClosedException.class, channel::tryReceive);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void shouldRejectNull(String name, Supplier<Channel<Integer>> factory) {
        assertThrows(NullPointerException.class, () -> factory.get().trySend(null));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeParkedReceiverOnSend(Kind kind) throws InterruptedException {
        for (Channel<Integer> channel : List.of(Channel.<Integer>bounded(1), Channel.<Integer>unbounded())) {
            AtomicReference<Integer> got = new AtomicReference<>();
            Thread receiver = kind.start("receiver", () -> got.set(channel.receive()), failure);
            awaitParked(receiver);
            channel.send(42);
            joinAll(List.of(receiver), failure);
            assertEquals(42, got.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeParkedReceiverOnClose(Kind kind) throws InterruptedException {
        Channel<Integer> channel = Channel.bounded(1);
        Thread receiver = kind.start("receiver",
                () -> assertThrows(ChannelClosedException.class, channel::receive), failure);
        awaitParked(receiver);
        channel.close();
        joinAll(List.of(receiver), failure);
    }

    @Test
    void shouldHoldExactlyCapacity() {
        Channel<Integer> channel = Channel.bounded(3); // ring of 4 slots, capacity still 3
        assertTrue(channel.trySend(1));
        assertTrue(channel.trySend(2));
        assertTrue(channel.trySend(3));
        assertFalse(channel.trySend(4));
        assertEquals(1, channel.tryReceive());
        assertTrue(channel.trySend(4));
        assertFalse(channel.trySend(5));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldApplyBackpressureAndResumeSenderInOrder(Kind kind) throws InterruptedException {
        Channel<Integer> channel = Channel.bounded(1);
        channel.send(0);
        List<Thread> senders = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int value = i;
            Thread sender = kind.start("sender-" + i, () -> channel.send(value), failure);
            awaitParked(sender); // queued one after another
            senders.add(sender);
        }
        List<Integer> received = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            received.add(channel.receive());
        }
        joinAll(senders, failure);
        assertEquals(List.of(0, 1, 2, 3), received);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldFailParkedSendersWhenReceiverLeaves(Kind kind) throws InterruptedException {
        Channel<Integer> channel = Channel.bounded(1);
        channel.send(0);
        Thread sender = kind.start("sender", () -> {
            ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> channel.send(1));
            assertTrue(e.receiverClosed());
        }, failure);
        awaitParked(sender);
        channel.closeReceiver();
        joinAll(List.of(sender), failure);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldNotSendWhenInterruptedWhileFull(Kind kind) throws InterruptedException {
        Channel<Integer> channel = Channel.bounded(1);
        channel.send(0);
        Thread sender = kind.start("sender",
                () -> assertThrows(InterruptedException.class, () -> channel.send(1)), failure);
        awaitParked(sender);
        sender.interrupt();
        joinAll(List.of(sender), failure);
        assertEquals(0, channel.receive());
        assertNull(channel.tryReceive()); // the interrupted send did not send
        assertTrue(channel.trySend(2)); // and left no stale waiter behind
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldKeepMessageForInterruptedReceiver(Kind kind) throws InterruptedException {
        Channel<Integer> channel = Channel.unbounded();
        Thread receiver = kind.start("receiver",
                () -> assertThrows(InterruptedException.class, channel::receive), failure);
        awaitParked(receiver);
        receiver.interrupt();
        joinAll(List.of(receiver), failure);
        channel.send(7);
        assertEquals(7, channel.receive());
    }
}
