package io.ringloop.task.internal;

import io.ringloop.loop.internal.Loop;
import java.util.concurrent.Executor;

/**
 * The scheduler of the virtual threads that run on one loop: their continuations run on the loop thread.
 *
 * <p>The JDK calls {@link #execute} from inside the virtual thread that is still mounted when it unparks
 * another thread or starts one: {@code Thread.currentThread()} is then that virtual thread, not the loop
 * thread, although we are on the loop's OS thread. {@link LoopContext#onCarrier} recognises that case (the
 * current virtual thread's scheduler is this one) so a local wake costs a queue add, not an eventfd write.
 */
final class LoopScheduler implements Executor {
    final Loop loop;
    /**
     * Set by {@link LoopContext#yieldToPoll} in the task about to yield, read when the JDK resubmits that task's
     * continuation right after it unmounted: it then waits for the loop's next poll. Loop carrier only.
     */
    boolean yieldToPoll;

    LoopScheduler(Loop loop) {
        this.loop = loop;
    }

    @Override
    public void execute(Runnable continuation) {
        if (LoopContext.onCarrier(loop)) {
            loop.counters().resumption();
            if (yieldToPoll) {
                yieldToPoll = false;
                loop.runQueue().addAfterPoll(continuation);
                return;
            }
            loop.executeLocal(continuation);
        } else {
            loop.executeRemote(continuation);
        }
    }
}
