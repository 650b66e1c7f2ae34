package io.ringloop.unix;

import io.ringloop.sys.UnixSockAddr;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The address of a Unix domain socket: a file system {@linkplain #of(Path) path}, or a name in Linux's
 * {@linkplain #abstractName(String) abstract namespace} (no file; gone when the last socket bound to it closes;
 * man 7 unix). The JDK's {@link UnixDomainSocketAddress} is accepted ({@link #of(UnixDomainSocketAddress)}); it
 * cannot hold an abstract name, hence this type.
 *
 * <p>Text form ({@link #parse}, {@link #toString}): {@code @name} is an abstract name, anything else a path, as
 * {@code ss -x} and {@code socat ABSTRACT-} users write them. A path or name is 1 to 107 bytes (UTF-8) without NUL:
 * what fits in {@code sun_path} with its terminator. An {@linkplain #isUnnamed() unnamed} address is what an
 * unbound socket has (a datagram's sender that never bound).
 *
 * <p>Immutable; the {@code sockaddr_un} bytes are made once, so a send to it allocates nothing.
 */
public final class UnixAddress {
    private static final UnixAddress UNNAMED = new UnixAddress(UnixSockAddr.unnamed());

    private final UnixSockAddr sockaddr;

    private UnixAddress(UnixSockAddr sockaddr) {
        this.sockaddr = sockaddr;
    }

    /**
     * A path address.
     *
     * @throws IllegalArgumentException if the path is empty, longer than 107 bytes or contains NUL
     */
    public static UnixAddress of(Path path) {
        return new UnixAddress(UnixSockAddr.path(path.toString()));
    }

    /** The JDK's address (a path; an empty path is not an address to bind or connect to). */
    public static UnixAddress of(UnixDomainSocketAddress address) {
        return of(address.getPath());
    }

    /**
     * A Linux abstract-namespace name (without the leading NUL the kernel sees).
     *
     * @throws IllegalArgumentException if the name is empty, longer than 107 bytes or contains NUL
     */
    public static UnixAddress abstractName(String name) {
        return new UnixAddress(UnixSockAddr.abstractName(name));
    }

    /** {@code @name}: an abstract name; anything else: a path. */
    public static UnixAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        return text.startsWith("@") ? abstractName(text.substring(1)) : of(Path.of(text));
    }

    /** The address of an unbound socket. */
    public static UnixAddress unnamed() {
        return UNNAMED;
    }

    static UnixAddress of(UnixSockAddr sockaddr) {
        return sockaddr.isUnnamed() ? UNNAMED : new UnixAddress(sockaddr);
    }

    /** True for a name in Linux's abstract namespace. */
    public boolean isAbstract() {
        return sockaddr.isAbstract();
    }

    /** True for the address of an unbound socket. */
    public boolean isUnnamed() {
        return sockaddr.isUnnamed();
    }

    /** The file system path; empty for an abstract or unnamed address. */
    public Optional<Path> path() {
        return isAbstract() || isUnnamed() ? Optional.empty() : Optional.of(Path.of(sockaddr.name()));
    }

    /** The path as text, or the abstract name without {@code @}; empty when unnamed. */
    public String name() {
        return sockaddr.name();
    }

    /**
     * The JDK's form of a path address.
     *
     * @throws UnsupportedOperationException for an abstract or unnamed address, which the JDK cannot express
     */
    public UnixDomainSocketAddress toJdk() {
        if (isAbstract() || isUnnamed()) {
            throw new UnsupportedOperationException("the JDK's UnixDomainSocketAddress has no form for " + this);
        }
        return UnixDomainSocketAddress.of(sockaddr.name());
    }

    UnixSockAddr sockaddr() {
        return sockaddr;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixAddress a && sockaddr.equals(a.sockaddr);
    }

    @Override
    public int hashCode() {
        return sockaddr.hashCode();
    }

    /** The path, {@code @name} for an abstract name, {@code (unnamed)}. */
    @Override
    public String toString() {
        return sockaddr.toString();
    }
}
