package io.ringloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.loop.Backend;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Backend#parse} against a reference table of spellings: every ASCII case variant of a valid name
 * parses to its backend; any other string, including near misses (one character added, dropped or changed,
 * blanks around), throws an IllegalArgumentException that names the input.
 */
final class BackendParsePropertyTest {
    /** The reference: every spelling parse accepts (compared ignoring ASCII case), and what it names. */
    static final Map<String, Backend> SPELLINGS = Map.of(
            "auto", Backend.AUTO,
            "io_uring", Backend.IO_URING,
            "io-uring", Backend.IO_URING,
            "iouring", Backend.IO_URING,
            "uring", Backend.IO_URING,
            "epoll", Backend.EPOLL,
            "nio", Backend.NIO);

    @Property
    void shouldParseEveryCaseVariantOfValidName(@ForAll("caseVariants") String name) {
        assertEquals(expected(name), Backend.parse(name));
    }

    @Property
    void shouldRejectAnyOtherStringNamingIt(@ForAll("notBackendNames") String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse(name));

        assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("io_uring, iouring, uring, epoll, nio"), e.getMessage());
    }

    @Example
    void shouldRefuseNullWithNullPointerException() {
        assertThrows(NullPointerException.class, () -> Backend.parse(null));
    }

    @Provide
    Arbitrary<String> caseVariants() {
        return caseVariantsOfValidNames();
    }

    @Provide
    Arbitrary<String> notBackendNames() {
        Arbitrary<String> nearMisses = Arbitraries.oneOf(
                caseVariantsOfValidNames().flatMap(BackendParsePropertyTest::mutated),
                caseVariantsOfValidNames().map(name -> " " + name),
                caseVariantsOfValidNames().map(name -> name + "\t"));
        return Arbitraries.oneOf(nearMisses, Arbitraries.strings().ofMaxLength(12), Arbitraries.strings().ascii())
                .filter(name -> expected(name) == null);
    }

    /** A valid spelling with each character in a random ASCII case. */
    static Arbitrary<String> caseVariantsOfValidNames() {
        return Arbitraries.of(SPELLINGS.keySet()).flatMap(name -> Arbitraries.integers()
                .between(0, (1 << name.length()) - 1)
                .map(upperMask -> {
                    StringBuilder variant = new StringBuilder(name);
                    for (int i = 0; i < name.length(); i++) {
                        if ((upperMask & (1 << i)) != 0) {
                            variant.setCharAt(i, Character.toUpperCase(name.charAt(i)));
                        }
                    }
                    return variant.toString();
                }));
    }

    /** The reference answer: the backend a string names (ASCII case ignored), or null when it names none. */
    static Backend expected(String name) {
        StringBuilder lower = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return SPELLINGS.get(lower.toString());
    }

    /** {@code name} with one character inserted, removed or replaced. */
    private static Arbitrary<String> mutated(String name) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, name.length() - 1);
        Arbitrary<Character> any = Arbitraries.chars();
        return Arbitraries.oneOf(
                at.flatMap(i -> any.map(c -> name.substring(0, i) + c + name.substring(i))),
                at.map(i -> name.substring(0, i) + name.substring(i + 1)),
                at.flatMap(i -> any.map(c -> name.substring(0, i) + c + name.substring(i + 1))));
    }
}
