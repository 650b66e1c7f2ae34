package io.ringloop.cli;

import sun.misc.Signal;

/** SIGINT/SIGTERM as a callback, so a command can stop cleanly and exit 0 instead of 130/143. */
final class Signals {
    private Signals() {
    }

    static void onTermination(Runnable action) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), s -> action.run());
        }
    }
}
