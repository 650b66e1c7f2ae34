package io.ringloop.driver.nio;

import io.ringloop.driver.SocketOpt;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

/**
 * {@link SocketOpt} as {@link StandardSocketOptions}, and the options a stream socket records while it has no JDK
 * channel yet.
 *
 * <p>A Java channel is a listener ({@code ServerSocketChannel}) or a connection ({@code SocketChannel}) from
 * birth, while a socket only becomes one at {@code listen} or {@code connect}. Options set before then are
 * recorded here and applied to the channel when it is made. A listener also keeps the options its JDK channel
 * does not take ({@code TCP_NODELAY}, {@code SO_KEEPALIVE}, {@code SO_SNDBUF}) and gives them to each accepted
 * connection, as Linux lets an accepted socket inherit its listener's options.
 */
final class NioOptions {
    private static final SocketOpt[] ALL = SocketOpt.values();

    /** Values by {@link SocketOpt#ordinal()}; meaningful where {@link #setMask} has the bit. */
    private final int[] values = new int[ALL.length];
    private int setMask;

    /** The JDK's option, or null where it has none (unicast TTL). */
    static SocketOption<?> standard(SocketOpt option) {
        return switch (option) {
            case SO_REUSEADDR -> StandardSocketOptions.SO_REUSEADDR;
            case SO_REUSEPORT -> StandardSocketOptions.SO_REUSEPORT;
            case SO_KEEPALIVE -> StandardSocketOptions.SO_KEEPALIVE;
            case SO_BROADCAST -> StandardSocketOptions.SO_BROADCAST;
            case SO_RCVBUF -> StandardSocketOptions.SO_RCVBUF;
            case SO_SNDBUF -> StandardSocketOptions.SO_SNDBUF;
            case TCP_NODELAY -> StandardSocketOptions.TCP_NODELAY;
            case IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS -> StandardSocketOptions.IP_MULTICAST_TTL;
            case IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP -> StandardSocketOptions.IP_MULTICAST_LOOP;
            case IP_MULTICAST_IF, IPV6_MULTICAST_IF -> StandardSocketOptions.IP_MULTICAST_IF;
            case IP_TTL, IPV6_UNICAST_HOPS -> null; // the JDK has no unicast TTL option
        };
    }

    static boolean supports(NetworkChannel channel, SocketOpt option) {
        SocketOption<?> o = standard(option);
        return o != null && channel.supportedOptions().contains(o);
    }

    /** Sets {@code option} on {@code channel}: 0/1 for booleans, bytes for sizes. */
    @SuppressWarnings("unchecked")
    static void set(NetworkChannel channel, SocketOpt option, int value) throws IOException {
        SocketOption<?> o = standard(option);
        if (o == null) {
            throw new UnsupportedOperationException(option + ": the JDK has no such option");
        }
        if (o.type() == NetworkInterface.class) {
            NetworkInterface nif = NetworkInterface.getByIndex(value);
            if (nif == null) {
                throw new IllegalArgumentException(option + ": no interface of index " + value);
            }
            channel.setOption((SocketOption<NetworkInterface>) o, nif);
        } else if (o.type() == Boolean.class) {
            channel.setOption((SocketOption<Boolean>) o, value != 0);
        } else {
            channel.setOption((SocketOption<Integer>) o, value);
        }
    }

    /** {@code option}'s value on {@code channel} as the driver reports it (0/1 for booleans). */
    static int get(NetworkChannel channel, SocketOpt option) throws IOException {
        SocketOption<?> o = standard(option);
        if (o == null) {
            throw new UnsupportedOperationException(option + ": the JDK has no such option");
        }
        Object v = channel.getOption(o);
        if (v instanceof NetworkInterface nif) {
            return nif.getIndex();
        }
        return v == null ? 0 : v instanceof Boolean b ? (b ? 1 : 0) : (Integer) v;
    }

    void record(SocketOpt option, int value) {
        values[option.ordinal()] = value;
        setMask |= 1 << option.ordinal();
    }

    boolean isRecorded(SocketOpt option) {
        return (setMask & (1 << option.ordinal())) != 0;
    }

    int recorded(SocketOpt option) {
        return values[option.ordinal()];
    }

    /**
     * Applies the recorded options that {@code channel} supports. With {@code keepUnsupported} the others stay
     * recorded (a listener keeps them for its connections); otherwise they are dropped. Stops at the first
     * failure.
     */
    void applyTo(NetworkChannel channel, boolean keepUnsupported) throws IOException {
        int mask = setMask;
        for (int i = 0; mask != 0; i++, mask >>>= 1) {
            if ((mask & 1) == 0) {
                continue;
            }
            SocketOpt option = ALL[i];
            if (supports(channel, option)) {
                set(channel, option, values[i]);
                setMask &= ~(1 << i);
            } else if (!keepUnsupported) {
                setMask &= ~(1 << i);
            }
        }
    }

    /** Applies the options a listener kept for its connections to the accepted {@code channel}. */
    void inheritTo(NetworkChannel channel) throws IOException {
        int mask = setMask;
        for (int i = 0; mask != 0; i++, mask >>>= 1) {
            if ((mask & 1) != 0 && supports(channel, ALL[i])) {
                set(channel, ALL[i], values[i]);
            }
        }
    }
}
