package io.ringloop.sync;

import static io.ringloop.sync.TestThreads.awaitParked;
import static io.ringloop.sync.TestThreads.joinAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.sync.TestThreads.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class BroadcastTest {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Test
    void shouldDeliverEveryMessageToEveryReceiver() throws InterruptedException {
        Broadcast<Integer> broadcast = new Broadcast<>(4);
        Broadcast.Receiver<Integer> a = broadcast.subscribe();
        Broadcast.Receiver<Integer> b = broadcast.subscribe();
        assertEquals(2, broadcast.send(1));
        assertEquals(2, broadcast.send(2));
        assertEquals(1, a.receive());
        assertEquals(2, a.receive());
        assertNull(a.tryReceive());
        assertEquals(1, b.receive());
        assertEquals(2, b.tryReceive());
    }

    @Test
    void shouldOnlySeeMessagesSentAfterSubscribing() throws InterruptedException {
        Broadcast<Integer> broadcast = new Broadcast<>(4);
        broadcast.send(1);
        Broadcast.Receiver<Integer> late = broadcast.subscribe();
        broadcast.send(2);
        assertEquals(2, late.receive());
    }

    @Test
    void shouldReportHowManyMessagesALaggingReceiverMissed() throws InterruptedException {
        Broadcast<Integer> broadcast = new Broadcast<>(3);
        Broadcast.Receiver<Integer> slow = broadcast.subscribe();
        for (int i = 0; i < 8; i++) {
            broadcast.send(i); // ring keeps 5, 6, 7
        }
        LaggedException lagged = assertThrows(LaggedException.class, slow::receive);
        assertEquals(5, lagged.missed());
        assertEquals(5, slow.receive()); // continues from the oldest retained
        assertEquals(6, slow.receive());
        assertEquals(7, slow.receive());
        assertNull(slow.tryReceive());
    }

    @Test
    void shouldDrainThenReportClosed() throws InterruptedException {
        Broadcast<Integer> broadcast = new Broadcast<>(4);
        Broadcast.Receiver<Integer> receiver = broadcast.subscribe();
        broadcast.send(1);
        broadcast.close();
        assertThrows(ChannelClosedException.class, () -> broadcast.send(2));
        assertEquals(1, receiver.receive());
        assertThrows(ChannelClosedException.class, receiver::receive);
        assertThrows(ChannelClosedException.class, broadcast::subscribe);
    }

    @Test
    void shouldCountReceiversAndUnsubscribe() {
        Broadcast<Integer> broadcast = new Broadcast<>(2);
        Broadcast.Receiver<Integer> receiver = broadcast.subscribe();
        assertEquals(1, broadcast.receiverCount());
        receiver.close();
        receiver.close(); // idempotent
        assertEquals(0, broadcast.send(1));
        assertThrows(IllegalStateException.class, receiver::tryReceive);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeParkedReceiversAndKeepPositionOnInterrupt(Kind kind) throws InterruptedException {
        Broadcast<Integer> broadcast = new Broadcast<>(8);
        Broadcast.Receiver<Integer> cancelled = broadcast.subscribe();
        Thread interrupted = kind.start("interrupted",
                () -> assertThrows(InterruptedException.class, cancelled::receive), failure);
        awaitParked(interrupted);
        interrupted.interrupt();
        joinAll(List.of(interrupted), failure);

        List<Thread> receivers = new ArrayList<>();
        List<List<Integer>> seen = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Broadcast.Receiver<Integer> receiver = broadcast.subscribe();
            List<Integer> mine = new ArrayList<>();
            seen.add(mine);
            Thread thread = kind.start("receiver-" + r, () -> {
                try {
                    while (true) {
                        mine.add(receiver.receive());
                    }
                } catch (ChannelClosedException done) {
                    // drained
                }
            }, failure);
            awaitParked(thread);
            receivers.add(thread);
        }
        for (int i = 0; i < 5; i++) {
            broadcast.send(i);
        }
        broadcast.close();
        joinAll(receivers, failure);
        for (List<Integer> mine : seen) {
            assertEquals(List.of(0, 1, 2, 3, 4), mine);
        }
        assertEquals(0, cancelled.receive()); // the interrupted receive lost nothing
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeAPendingReceiveWhenItsReceiverCloses(Kind kind) throws InterruptedException {
        Broadcast<Integer> broadcast = new Broadcast<>(4);
        Broadcast.Receiver<Integer> closing = broadcast.subscribe();
        Broadcast.Receiver<Integer> other = broadcast.subscribe();
        Thread waiting = kind.start("waiting", () -> {
            ChannelClosedException e = assertThrows(ChannelClosedException.class, closing::receive);
            assertTrue(e.receiverClosed(), e.getMessage());
        }, failure);
        List<Integer> seenByOther = new ArrayList<>();
        Thread otherThread = kind.start("other", () -> seenByOther.add(other.receive()), failure);
        awaitParked(waiting);
        awaitParked(otherThread);
        closing.close(); // no send follows: the close alone must wake the waiting receive
        joinAll(List.of(waiting), failure);
        assertEquals(1, broadcast.receiverCount());
        broadcast.send(9);
        joinAll(List.of(otherThread), failure);
        assertEquals(List.of(9), seenByOther, "the other receiver, woken too, waited on for its message");
    }
}
