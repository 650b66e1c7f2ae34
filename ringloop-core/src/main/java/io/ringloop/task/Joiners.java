package io.ringloop.task;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The joiners {@link TaskScope.Joiner} names. Their state is touched under the scope's lock ({@code onFork},
 * {@code onComplete}) and read by the owner after every task ended, which that lock orders too.
 */
final class Joiners {
    private Joiners() {
    }

    /** A finished task's failure as the scope reports it: the task's exception, or the cancellation. */
    static Throwable failureOf(JoinHandle<?> task) {
        return task.state() == Future.State.CANCELLED
                ? new CancellationException("task " + task.thread().getName() + " was cancelled")
                : task.exceptionNow();
    }

    static final class AllSuccessful<T> implements TaskScope.Joiner<T, List<T>> {
        private final List<JoinHandle<? extends T>> forked = new ArrayList<>();
        private Throwable firstFailure;

        @Override
        public boolean onFork(JoinHandle<? extends T> task) {
            forked.add(task);
            return false;
        }

        @Override
        public boolean onComplete(JoinHandle<? extends T> task) {
            if (task.state() == Future.State.SUCCESS) {
                return false;
            }
            firstFailure = failureOf(task);
            return true;
        }

        @Override
        public List<T> result() throws ExecutionException {
            if (firstFailure != null) {
                throw new ExecutionException("TaskScope.join: a task failed (the others were cancelled)", firstFailure);
            }
            List<T> values = new ArrayList<>(forked.size());
            for (JoinHandle<? extends T> h : forked) {
                if (h.state() != Future.State.SUCCESS) {
                    // Stopped from outside (TaskScope.cancel) before every task succeeded.
                    throw new ExecutionException("TaskScope.join: the scope was cancelled", failureOf(h));
                }
                values.add(h.resultNow());
            }
            return values;
        }
    }

    static final class AnySuccessful<T> implements TaskScope.Joiner<T, T> {
        private boolean succeeded;
        private T value;
        private Throwable firstFailure;

        @Override
        public boolean onComplete(JoinHandle<? extends T> task) {
            if (task.state() == Future.State.SUCCESS) {
                succeeded = true;
                value = task.resultNow();
                return true;
            }
            Throwable t = failureOf(task);
            if (firstFailure == null) {
                firstFailure = t;
            } else {
                firstFailure.addSuppressed(t);
            }
            return false;
        }

        @Override
        public T result() throws ExecutionException {
            if (succeeded) {
                return value;
            }
            Throwable cause = firstFailure != null ? firstFailure
                    : new NoSuchElementException("TaskScope.join: no task was forked");
            throw new ExecutionException("TaskScope.join: no task succeeded", cause);
        }
    }

    static final class FirstCompleted<T> implements TaskScope.Joiner<T, T> {
        private JoinHandle<? extends T> winner;

        @Override
        public boolean onComplete(JoinHandle<? extends T> task) {
            winner = task;
            return true;
        }

        /** The task that ended first; null while none has. After {@code join}: the owner's. */
        JoinHandle<? extends T> winner() {
            return winner;
        }

        @Override
        public T result() throws ExecutionException {
            if (winner == null) {
                throw new ExecutionException("TaskScope.join: no task ended first",
                        new NoSuchElementException("no task was forked, or the scope was cancelled first"));
            }
            if (winner.state() == Future.State.SUCCESS) {
                return winner.resultNow();
            }
            throw new ExecutionException("TaskScope.join: the first task to end failed", failureOf(winner));
        }
    }
}
