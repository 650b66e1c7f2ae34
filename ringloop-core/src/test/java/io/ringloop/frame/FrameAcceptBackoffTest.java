package io.ringloop.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.driver.fault.Fault;
import io.ringloop.driver.fault.FaultInjectingDriver;
import io.ringloop.loop.internal.Loop;
import io.ringloop.net.ServerLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Accepts refused for want of descriptors (the fault driver refuses half of them with EMFILE) back off and
 * retry, as a TcpListener's do: every client of a framing server is served.
 */
class FrameAcceptBackoffTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ringloop.frame.FrameSetup#all")
    void shouldServeEveryClientWhileHalfTheAcceptsAreRefused(FrameSetup setup) throws Exception {
        String before = System.getProperty(FaultInjectingDriver.MIX_PROPERTY);
        System.setProperty(FaultInjectingDriver.SEED_PROPERTY, "7");
        System.setProperty(FaultInjectingDriver.MIX_PROPERTY, "accept_emfile=0.5");
        Ringloop rt;
        try {
            rt = setup.start(1);
        } finally {
            System.clearProperty(FaultInjectingDriver.SEED_PROPERTY);
            if (before == null) {
                System.clearProperty(FaultInjectingDriver.MIX_PROPERTY);
            } else {
                System.setProperty(FaultInjectingDriver.MIX_PROPERTY, before);
            }
        }
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (rt; FrameServer server = FrameServer.start(rt, any, ServerLimits.DEFAULTS,
                FrameEchoTest.LengthPrefixed::new)) {
            for (int i = 0; i < 20; i++) {
                roundTrip(server.localAddress(), i);
            }
            FaultInjectingDriver d = (FaultInjectingDriver) Loop.of(rt.loop(0)).driver();
            long refused = CompletableFuture.supplyAsync(() -> d.count(Fault.ACCEPT_EMFILE), rt.loop(0)).get();
            assertTrue(refused > 0, "no accept was refused");
        }
    }

    private static void roundTrip(InetSocketAddress to, int i) throws IOException {
        try (Socket c = new Socket(to.getAddress(), to.getPort())) {
            c.setSoTimeout(10_000); // a refused accept that was never retried leaves the client unanswered
            byte[] payload = ("hello " + i).getBytes();
            c.getOutputStream().write(FrameEchoTest.frame(payload));
            int sum = 0;
            for (byte b : payload) {
                sum = sum * 31 + b;
            }
            assertArrayEquals(FrameEchoTest.answer(payload.length, sum), c.getInputStream().readNBytes(8));
        }
    }
}
