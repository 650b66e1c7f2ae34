package io.ringloop.driver.fault;

import io.ringloop.sys.Errno;
import java.util.ArrayList;
import java.util.List;

/**
 * Results {@link FaultInjectingDriver} holds back, in the order they arrived. A result is due when its polls
 * have run out and nothing of its handle is held before it: results of one handle leave in order, results of
 * different handles in any order. Loop thread only; a delivery may start operations that add here.
 */
final class HeldResults {
    private final FaultLedger faults;
    private final FaultDice dice;
    private final ArrayList<FaultOp> ops = new ArrayList<>();

    HeldResults(FaultLedger faults, FaultDice dice) {
        this.faults = faults;
        this.dice = dice;
    }

    boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Holds {@code op}'s result {@code r} for {@code polls} more polls (0: until the end of this one). */
    void add(FaultOp op, int r, int polls) {
        op.state = FaultOp.HELD;
        op.result = r;
        op.pollsLeft = polls;
        ops.add(op);
    }

    /** True when a result of {@code handle} is held. */
    boolean has(int handle) {
        for (FaultOp op : ops) {
            if (op.handle == handle) {
                return true;
            }
        }
        return false;
    }

    /**
     * End of a poll: delivers the due results, across handles in a random order when {@code shuffle}, and
     * counts one poll off the others.
     */
    void deliverDue(boolean shuffle) {
        if (ops.isEmpty()) {
            return;
        }
        List<FaultOp> due = new ArrayList<>();
        List<Integer> waiting = new ArrayList<>();
        for (FaultOp op : ops) {
            if (waiting.contains(op.handle)) {
                continue;
            }
            if (op.pollsLeft > 0) {
                op.pollsLeft--;
                waiting.add(op.handle);
            } else {
                due.add(op);
            }
        }
        ops.removeAll(due);
        while (!due.isEmpty()) {
            int pick = shuffle && due.size() > 1 ? dice.nextInt(due.size()) : 0;
            int handle = due.get(pick).handle;
            for (int i = 0; ; i++) {
                if (due.get(i).handle == handle) {
                    FaultOp op = due.remove(i);
                    faults.deliver(op, op.result);
                    break;
                }
            }
        }
    }

    /** Delivers every result held for {@code handle}, in order (its close is under way). */
    void deliverAll(int handle) {
        List<FaultOp> mine = new ArrayList<>();
        for (FaultOp op : ops) {
            if (op.handle == handle) {
                mine.add(op);
            }
        }
        ops.removeAll(mine);
        for (FaultOp op : mine) {
            faults.deliver(op, op.result);
        }
    }

    /** Delivers every held result as -ECANCELED (the driver is closing). */
    void cancelAll() {
        while (!ops.isEmpty()) {
            FaultOp op = ops.removeFirst();
            faults.deliver(op, -Errno.ECANCELED);
        }
    }
}
