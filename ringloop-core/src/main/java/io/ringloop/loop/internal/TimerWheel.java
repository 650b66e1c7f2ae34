package io.ringloop.loop.internal;

import java.util.Arrays;

/**
 * A hierarchical timing wheel (Varghese and Lauck, "Hashed and Hierarchical Timing Wheels", 1987), owned by
 * one thread: the loop's. Nothing here is thread-safe; timers created elsewhere reach the loop through its
 * inbox.
 *
 * <h2>Time</h2>
 * Time is injected: every call that needs "now" takes {@code nowNs} from the same clock as the deadlines
 * (normally {@link System#nanoTime()}). The wheel counts whole ticks of {@code tickNs} since {@code startNs}.
 * A deadline is rounded <em>up</em> to its tick, "now" is rounded <em>down</em>, so a timer fires only when
 * {@code nowNs >= deadlineNs} and, once polled, no later than its deadline rounded up to the next tick
 * boundary. {@code nowNs} must not go backwards; if it does, nothing fires until it catches up.
 *
 * <h2>Levels</h2>
 * Six levels of 64 slots. A level-{@code L} slot spans {@code 64^L} ticks; at the 1 ms default:
 * <pre>
 *  level  slot span    level span
 *    0       1 ms        64 ms
 *    1      64 ms        ~4 s
 *    2      ~4 s         ~4.5 min
 *    3    ~4.5 min       ~4.7 h
 *    4    ~4.7 h         ~12 days
 *    5    ~12 days       ~2.2 years
 * </pre>
 * A timer goes to the level of the highest 6-bit digit in which its deadline tick differs from the wheel's
 * current tick ({@code elapsedTicks}), and to the slot given by that digit of its deadline. Deadlines beyond
 * level 5 wait on an overflow list that is re-sorted each time the wheel enters a new level-5 span.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Every timer in a level-{@code L} slot {@code s} has the same digits above {@code L} as
 *       {@code elapsedTicks} and {@code s > digit(elapsedTicks, L)} (strictly), so a level's next occupied
 *       slot is simply the lowest set bit of its occupancy mask, and the lowest non-empty level holds the
 *       earliest timers.</li>
 *   <li>Timers whose tick is {@code <= elapsedTicks} are on the expired list, waiting to be fired. A poll
 *       moves all due timers there first (cascading higher-level slots down as their span starts), then fires
 *       from it up to {@code limit}; what the limit leaves stays for the next poll.</li>
 * </ul>
 *
 * <h2>Storage</h2>
 * Timers live in parallel primitive arrays indexed by slot number, linked into doubly-linked lists (one per
 * wheel slot, plus the expired and overflow lists), so insert and cancel are O(1) and the steady state
 * allocates nothing. A timer id packs {@code generation << 32 | index}; the generation changes whenever an
 * index is freed, so a stale id (fired or cancelled) cancels nothing. Ids are never {@link #NULL_TIMER}.
 *
 * <p>References: tokio {@code runtime/time/wheel}; agrona {@code DeadlineTimerWheel} (ids in arrays).
 */
public final class TimerWheel {
    /** Never returned by {@link #schedule}; free to use as "no timer". */
    public static final long NULL_TIMER = 0L;
    /** Default tick: 1 ms. */
    public static final long DEFAULT_TICK_NS = 1_000_000L;

    static final int SLOT_BITS = 6;
    static final int SLOTS = 1 << SLOT_BITS;
    static final int SLOT_MASK = SLOTS - 1;
    static final int LEVELS = 6;
    /** Ticks covered by the whole wheel; {@code 2^36}. */
    static final int WHEEL_BITS = SLOT_BITS * LEVELS;

    private static final int WHEEL_LISTS = LEVELS * SLOTS;
    private static final int EXPIRED = WHEEL_LISTS;
    private static final int OVERFLOW = WHEEL_LISTS + 1;
    private static final int NIL = -1;
    /** {@code lists[i]} of a free index. */
    private static final int FREE = -1;

    private final long tickNs;
    private final long startNs;
    /** The wheel's current tick: every timer due at or before it is on the expired list or fired. */
    private long elapsedTicks;
    /** Bit {@code s} of {@code occupied[L]} is set when slot {@code s} of level {@code L} is non-empty. */
    private final long[] occupied = new long[LEVELS];
    private final int[] heads = new int[WHEEL_LISTS + 2];
    private final int[] tails = new int[WHEEL_LISTS + 2];
    /** A lower bound of the deadlines on the expired list; MAX_VALUE when that list is empty. */
    private long expiredMinDeadlineNs = Long.MAX_VALUE;

    private long[] deadlinesNs;
    private long[] deadlineTicks;
    private Object[] payloads;
    private int[] nexts;
    private int[] prevs;
    private int[] generations;
    /** Which list an index is on, or FREE. */
    private int[] lists;
    private int freeHead = NIL;
    /** Indices below this have been used at least once. */
    private int highWater;
    private int size;

    /** A wheel with a 1 ms tick, starting at {@code startNs}, room for 1024 timers before it grows. */
    public TimerWheel(long startNs) {
        this(DEFAULT_TICK_NS, startNs, 1024);
    }

    /**
     * @param tickNs          the wheel's resolution, > 0
     * @param startNs         the clock's value at tick 0 (normally {@code System.nanoTime()} now)
     * @param initialCapacity timers that fit before the arrays grow (they double), > 0
     */
    public TimerWheel(long tickNs, long startNs, int initialCapacity) {
        if (tickNs <= 0) {
            throw new IllegalArgumentException("tickNs must be > 0: " + tickNs);
        }
        if (initialCapacity <= 0) {
            throw new IllegalArgumentException("initialCapacity must be > 0: " + initialCapacity);
        }
        this.tickNs = tickNs;
        this.startNs = startNs;
        Arrays.fill(heads, NIL);
        Arrays.fill(tails, NIL);
        deadlinesNs = new long[initialCapacity];
        deadlineTicks = new long[initialCapacity];
        payloads = new Object[initialCapacity];
        nexts = new int[initialCapacity];
        prevs = new int[initialCapacity];
        generations = new int[initialCapacity];
        lists = new int[initialCapacity];
        Arrays.fill(generations, 1);
        Arrays.fill(lists, FREE);
    }

    /** The wheel's resolution. */
    public long tickNs() {
        return tickNs;
    }

    /** Timers scheduled and neither fired nor cancelled. */
    public int size() {
        return size;
    }

    /**
     * Schedules a timer. A deadline at or before the wheel's current tick fires on the next poll.
     *
     * @return the timer's id, for {@link #cancel(long)}; never {@link #NULL_TIMER}
     */
    public long schedule(long deadlineNs, Object payload) {
        int index = allocate();
        deadlinesNs[index] = deadlineNs;
        deadlineTicks[index] = Math.ceilDiv(saturatingSub(deadlineNs, startNs), tickNs);
        payloads[index] = payload;
        insert(index);
        size++;
        return idOf(index);
    }

    /**
     * Cancels a pending timer in O(1).
     *
     * @return true if the timer was pending; false for a fired, cancelled or unknown id (a safe no-op)
     */
    public boolean cancel(long timerId) {
        int index = (int) timerId;
        if (index < 0 || index >= highWater || generations[index] != (int) (timerId >>> 32)
                || lists[index] == FREE) {
            return false;
        }
        unlink(index);
        release(index);
        return true;
    }

    /**
     * Fires every timer due at {@code nowNs}, at most {@code limit} of them; the rest fire on the next poll.
     * The handler may schedule and cancel timers, including ones that fire within this same poll.
     *
     * @return how many timers fired
     */
    public int poll(long nowNs, Handler handler, int limit) {
        long nowTick = Math.floorDiv(saturatingSub(nowNs, startNs), tickNs);
        advance(nowTick);
        int fired = 0;
        while (fired < limit) {
            int index = heads[EXPIRED];
            if (index == NIL || deadlineTicks[index] > nowTick) {
                // The second test only matters if nowNs went backwards; never fire early.
                break;
            }
            long timerId = idOf(index);
            Object payload = payloads[index];
            unlink(index);
            release(index);
            fired++;
            handler.onTimer(timerId, payload);
        }
        if (heads[EXPIRED] == NIL) {
            expiredMinDeadlineNs = Long.MAX_VALUE;
        }
        return fired;
    }

    /**
     * The earliest time at which a poll can fire something: {@code Long.MAX_VALUE} when empty, a time at
     * or before now when timers wait on the expired list, else the start of the earliest occupied slot's
     * span. It is never later than the moment the earliest timer becomes due (its deadline rounded up to the
     * tick), so it is safe as the loop's wait timeout; for a higher-level slot it may be earlier, and that
     * poll then only cascades.
     */
    public long nextDeadlineNs() {
        if (heads[EXPIRED] != NIL) {
            return expiredMinDeadlineNs;
        }
        long tick = nextExpirationTick();
        if (tick == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long offsetNs = tick >= Long.MAX_VALUE / tickNs ? Long.MAX_VALUE : tick * tickNs;
        return saturatingAdd(startNs, offsetNs);
    }

    /** Drops every timer without firing it (their ids become stale). */
    public void clear() {
        for (int index = 0; index < highWater; index++) {
            if (lists[index] != FREE) {
                lists[index] = FREE;
                release(index);
            }
        }
        Arrays.fill(heads, NIL);
        Arrays.fill(tails, NIL);
        Arrays.fill(occupied, 0L);
        expiredMinDeadlineNs = Long.MAX_VALUE;
    }

    /**
     * Receives the timers that {@link #poll(long, Handler, int)} fires. Capture one instance in a final field
     * and pass it on every poll: the wheel never allocates to fire.
     */
    @FunctionalInterface
    public interface Handler {
        /**
         * Called once per fired timer, on the polling thread. The timer is already removed, so
         * {@code cancel(timerId)} returns false, and the handler may schedule and cancel timers.
         *
         * @param timerId the id {@link #schedule(long, Object)} returned
         * @param payload the object given at schedule time
         */
        void onTimer(long timerId, Object payload);
    }

    // ---- level and slot arithmetic (package-private for the unit tests) ----

    /** The level for a deadline tick after {@code elapsedTicks}: its highest differing 6-bit digit. */
    static int levelFor(long elapsedTicks, long deadlineTick) {
        long masked = (elapsedTicks ^ deadlineTick) | SLOT_MASK;
        int significantBit = 63 - Long.numberOfLeadingZeros(masked);
        return significantBit / SLOT_BITS;
    }

    /** A deadline tick's slot within a level: its digit at that level. */
    static int slotFor(long deadlineTick, int level) {
        return (int) (deadlineTick >>> (level * SLOT_BITS)) & SLOT_MASK;
    }

    /** The first tick of slot {@code slot} of {@code level} within the current higher-level spans. */
    static long slotStartTick(long elapsedTicks, int level, int slot) {
        long higherMask = -1L << ((level + 1) * SLOT_BITS);
        return (elapsedTicks & higherMask) | ((long) slot << (level * SLOT_BITS));
    }

    // ---- internals ----

    private void insert(int index) {
        long tick = deadlineTicks[index];
        if (tick <= elapsedTicks) {
            append(EXPIRED, index);
            expiredMinDeadlineNs = Math.min(expiredMinDeadlineNs, deadlinesNs[index]);
            return;
        }
        int level = levelFor(elapsedTicks, tick);
        if (level >= LEVELS) {
            append(OVERFLOW, index);
            return;
        }
        int slot = slotFor(tick, level);
        assert slot > slotFor(elapsedTicks, level) : "slot must be ahead of the wheel";
        occupied[level] |= 1L << slot;
        append(level * SLOTS + slot, index);
    }

    /** The first tick of the earliest non-empty slot or the overflow list, or MAX_VALUE when empty. */
    private long nextExpirationTick() {
        int level = lowestOccupiedLevel();
        if (level < LEVELS) {
            return slotStartTick(elapsedTicks, level, Long.numberOfTrailingZeros(occupied[level]));
        }
        if (heads[OVERFLOW] != NIL) {
            return ((elapsedTicks >>> WHEEL_BITS) + 1) << WHEEL_BITS;
        }
        return Long.MAX_VALUE;
    }

    /** Moves the wheel to {@code nowTick}, putting every timer due by then on the expired list. */
    private void advance(long nowTick) {
        while (true) {
            int level = lowestOccupiedLevel();
            int list;
            long startTick;
            if (level < LEVELS) {
                int slot = Long.numberOfTrailingZeros(occupied[level]);
                startTick = slotStartTick(elapsedTicks, level, slot);
                list = level * SLOTS + slot;
            } else if (heads[OVERFLOW] != NIL) {
                startTick = ((elapsedTicks >>> WHEEL_BITS) + 1) << WHEEL_BITS;
                list = OVERFLOW;
            } else {
                break;
            }
            if (startTick > nowTick) {
                break;
            }
            // The span of this slot has begun: move the wheel there and sort its timers down (or out).
            elapsedTicks = startTick;
            if (list != OVERFLOW) {
                occupied[level] &= ~(1L << (list & SLOT_MASK));
            }
            cascade(list);
        }
        if (nowTick > elapsedTicks) {
            elapsedTicks = nowTick;
        }
    }

    private int lowestOccupiedLevel() {
        int level = 0;
        while (level < LEVELS && occupied[level] == 0) {
            level++;
        }
        return level;
    }

    /** Detaches a whole list and re-inserts each timer relative to the (advanced) wheel. */
    private void cascade(int list) {
        int index = heads[list];
        heads[list] = NIL;
        tails[list] = NIL;
        while (index != NIL) {
            int next = nexts[index];
            insert(index);
            index = next;
        }
    }

    private void append(int list, int index) {
        int tail = tails[list];
        lists[index] = list;
        nexts[index] = NIL;
        prevs[index] = tail;
        if (tail == NIL) {
            heads[list] = index;
        } else {
            nexts[tail] = index;
        }
        tails[list] = index;
    }

    private void unlink(int index) {
        int list = lists[index];
        int prev = prevs[index];
        int next = nexts[index];
        if (prev == NIL) {
            heads[list] = next;
        } else {
            nexts[prev] = next;
        }
        if (next == NIL) {
            tails[list] = prev;
        } else {
            prevs[next] = prev;
        }
        if (list < WHEEL_LISTS && heads[list] == NIL) {
            occupied[list >>> SLOT_BITS] &= ~(1L << (list & SLOT_MASK));
        }
    }

    private long idOf(int index) {
        return ((long) generations[index] << 32) | index;
    }

    private int allocate() {
        int index = freeHead;
        if (index != NIL) {
            freeHead = nexts[index];
            return index;
        }
        if (highWater == lists.length) {
            grow();
        }
        return highWater++;
    }

    /** Frees an index that is on no list any more; its generation moves on so old ids go stale. */
    private void release(int index) {
        payloads[index] = null;
        lists[index] = FREE;
        int generation = generations[index] + 1;
        generations[index] = generation == 0 ? 1 : generation;
        nexts[index] = freeHead;
        freeHead = index;
        size--;
    }

    private void grow() {
        int oldCapacity = lists.length;
        int newCapacity = oldCapacity * 2;
        if (newCapacity < 0) {
            throw new IllegalStateException("too many timers: " + oldCapacity);
        }
        deadlinesNs = Arrays.copyOf(deadlinesNs, newCapacity);
        deadlineTicks = Arrays.copyOf(deadlineTicks, newCapacity);
        payloads = Arrays.copyOf(payloads, newCapacity);
        nexts = Arrays.copyOf(nexts, newCapacity);
        prevs = Arrays.copyOf(prevs, newCapacity);
        generations = Arrays.copyOf(generations, newCapacity);
        lists = Arrays.copyOf(lists, newCapacity);
        Arrays.fill(generations, oldCapacity, newCapacity, 1);
        Arrays.fill(lists, oldCapacity, newCapacity, FREE);
    }

    private static long saturatingSub(long a, long b) {
        long result = a - b;
        // Overflow iff the operands have different signs and the result's sign differs from a's.
        if (((a ^ b) & (a ^ result)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return result;
    }

    private static long saturatingAdd(long a, long b) {
        long result = a + b;
        if (((a ^ result) & (b ^ result)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return result;
    }
}
