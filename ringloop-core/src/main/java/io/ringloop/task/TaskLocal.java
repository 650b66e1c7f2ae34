package io.ringloop.task;

import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/**
 * A value scoped to a task, built on {@link ScopedValue}: bound for the task that {@link #where} starts, and
 * for the tasks it spawns with {@link Tasks#spawnInheriting} (a plain {@link Tasks#spawn} starts without
 * the parent's values, as a fresh request would).
 *
 * <pre>{@code
 * static final TaskLocal<String> REQUEST_ID = TaskLocal.newInstance();
 * TaskLocal.where(REQUEST_ID, "r-17").call(() -> handle(request));
 * }</pre>
 *
 * Values are immutable per binding: a task reads them and rebinds for a narrower scope, never overwrites.
 */
public final class TaskLocal<T> {
    /** Every task local bound in the current scope. One ScopedValue carries them all, so spawning copies one map. */
    static final ScopedValue<Map<TaskLocal<?>, Object>> BINDINGS = ScopedValue.newInstance();

    private TaskLocal() {
    }

    public static <T> TaskLocal<T> newInstance() {
        return new TaskLocal<>();
    }

    /** The bound value; throws if unbound. */
    @SuppressWarnings("unchecked")
    public T get() {
        if (BINDINGS.isBound()) {
            Map<TaskLocal<?>, Object> m = BINDINGS.get();
            if (m.containsKey(this)) {
                return (T) m.get(this);
            }
        }
        throw new NoSuchElementException("task local not bound in this task");
    }

    @SuppressWarnings("unchecked")
    public T orElse(T other) {
        if (BINDINGS.isBound() && BINDINGS.get().containsKey(this)) {
            return (T) BINDINGS.get().get(this);
        }
        return other;
    }

    public boolean isBound() {
        return BINDINGS.isBound() && BINDINGS.get().containsKey(this);
    }

    /** A binding of {@code local} to {@code value} on top of the current ones. */
    public static <T> Binding where(TaskLocal<T> local, T value) {
        return new Binding(current()).and(local, value);
    }

    static Map<TaskLocal<?>, Object> current() {
        return BINDINGS.isBound() ? BINDINGS.get() : Map.of();
    }

    /** Bindings to run code with. */
    public static final class Binding {
        private final Map<TaskLocal<?>, Object> values;

        private Binding(Map<TaskLocal<?>, Object> base) {
            this.values = new HashMap<>(base);
        }

        public <T> Binding and(TaskLocal<T> local, T value) {
            values.put(local, value);
            return this;
        }

        /** Runs {@code body} here, in the calling thread, with these bindings. */
        public <R> R call(Callable<R> body) throws Exception {
            Map<TaskLocal<?>, Object> frozen = Map.copyOf(values);
            return ScopedValue.where(BINDINGS, frozen).call(body::call);
        }
    }
}
