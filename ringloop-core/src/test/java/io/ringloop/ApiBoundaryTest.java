package io.ringloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module boundary as a user's {@code requires io.ringloop} sees it: no public or protected signature of a
 * public type in an exported package (supertypes, type parameters, fields, constructors, methods, thrown types)
 * names a type of a package the module does not export. The exports are read from the built module descriptor
 * ({@code target/classes/module-info.class}), so a package added to the module is checked without touching this
 * test. Like {@code javac -Xlint:exports}, in a test that says which signature leaks.
 *
 * <p>Not a leak: the {@code permits} clause of a sealed API type ({@code EventLoop permits Loop}). A user cannot
 * name the permitted class and does not need to; the JDK seals its own API over internal classes the same way.
 */
class ApiBoundaryTest {
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void shouldNameNoInternalTypeInTheExportedApi() throws IOException, ClassNotFoundException {
        ModuleDescriptor module = descriptor();
        Set<String> exported = exported(module);
        Set<String> internal = new TreeSet<>(module.packages());
        internal.removeAll(exported);
        List<String> leaks = new ArrayList<>();
        int types = 0;
        for (String pkg : exported) {
            for (Class<?> type : apiTypes(pkg)) {
                types++;
                leaks.addAll(leaks(type, internal));
            }
        }
        assertTrue(types > 20, "the scan found only " + types + " API types: is " + CLASSES + " the built module?");
        assertEquals(List.of(), leaks);
    }

    @Test
    void shouldKeepSysDriverAndInternalPackagesUnexported() throws IOException {
        ModuleDescriptor module = descriptor();
        Set<String> exported = exported(module);
        assertTrue(exported.contains("io.ringloop") && exported.contains("io.ringloop.error"), exported.toString());
        for (String pkg : exported) {
            assertFalse(pkg.startsWith("io.ringloop.sys") || pkg.startsWith("io.ringloop.driver")
                    || pkg.endsWith(".internal") || pkg.contains(".internal."), pkg + " is exported");
        }
        assertTrue(module.packages().contains("io.ringloop.loop.internal"), module.packages().toString());
    }

    /**
     * The suite runs as the user's code sees the module: the main classes are the named module io.ringloop and
     * the test classes are patched into it. A build tool that cannot read the descriptor falls back to the class
     * path without a word (Surefire with an ASM too old for the class files did); this notices.
     */
    @Test
    void shouldRunOnTheModulePath() {
        Module core = Ringloop.class.getModule();

        assertTrue(core.isNamed(), "ringloop-core's tests run on the class path");
        assertEquals("io.ringloop", core.getName());
        assertEquals(core, getClass().getModule(), "the tests are patched into the module");
        assertFalse(core.isExported("io.ringloop.driver"), "the module's exports are the descriptor's");
    }

    /** The scan itself: a class that does leak (a public internal class extending a driver type) is reported. */
    @Test
    void shouldReportAnInternalSupertypeParameterAndReturnType() throws ClassNotFoundException {
        Class<?> waiter = Class.forName("io.ringloop.task.internal.IoWaiter");
        Set<String> internal = Set.of("io.ringloop.driver", "io.ringloop.loop.internal");

        List<String> leaks = leaks(waiter, internal);

        assertTrue(leaks.stream().anyMatch(l -> l.contains("extends io.ringloop.driver.Completion")), leaks.toString());
        assertTrue(leaks.stream().anyMatch(l -> l.contains("(io.ringloop.loop.internal.Loop)")), leaks.toString());
    }

    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(CLASSES).find("io.ringloop")
                .orElseThrow(() -> new AssertionError("no module io.ringloop in " + CLASSES.toAbsolutePath()))
                .descriptor();
    }

    /** Packages exported to everyone; a qualified export ({@code to m}) is not API. */
    private static Set<String> exported(ModuleDescriptor module) {
        Set<String> out = new TreeSet<>();
        for (ModuleDescriptor.Exports e : module.exports()) {
            if (!e.isQualified()) {
                out.add(e.source());
            }
        }
        return out;
    }

    /** The public types of {@code pkg} (top level, and member types a user can reach). */
    private static List<Class<?>> apiTypes(String pkg) throws IOException, ClassNotFoundException {
        Path dir = CLASSES.resolve(pkg.replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String simple = f.getFileName().toString().replace(".class", "");
                if (simple.equals("package-info") || simple.equals("module-info")) {
                    continue;
                }
                Class<?> c = Class.forName(pkg + "." + simple, false, ApiBoundaryTest.class.getClassLoader());
                if (reachable(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static boolean reachable(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
            return false;
        }
        for (Class<?> t = c; t != null; t = t.getDeclaringClass()) {
            int m = t.getModifiers();
            boolean visible = Modifier.isPublic(m) || (t.getDeclaringClass() != null && Modifier.isProtected(m));
            if (!visible) {
                return false;
            }
        }
        return true;
    }

    /** Every signature of {@code type} a user sees that names a type of an {@code internal} package. */
    private static List<String> leaks(Class<?> type, Set<String> internal) {
        List<String> out = new ArrayList<>();
        String name = type.getName();
        check(out, internal, name + " extends ", type.getGenericSuperclass());
        for (Type t : type.getGenericInterfaces()) {
            check(out, internal, name + " implements ", t);
        }
        checkTypeParameters(out, internal, name, type.getTypeParameters());
        for (Field f : visible(type.getFields(), type.getDeclaredFields())) {
            check(out, internal, name + "." + f.getName() + " has type ", f.getGenericType());
        }
        for (Constructor<?> c : visible(type.getConstructors(), type.getDeclaredConstructors())) {
            checkExecutable(out, internal, name + "(" + params(c) + ")", c);
        }
        for (Method m : visible(type.getMethods(), type.getDeclaredMethods())) {
            if (m.isBridge() || m.isSynthetic()) {
                continue;
            }
            String where = name + "." + m.getName() + "(" + params(m) + ")";
            check(out, internal, where + " returns ", m.getGenericReturnType());
            checkExecutable(out, internal, where, m);
        }
        return out;
    }

    private static void checkExecutable(List<String> out, Set<String> internal, String where, Executable e) {
        for (Type p : e.getGenericParameterTypes()) {
            check(out, internal, where + " takes ", p);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(out, internal, where + " throws ", x);
        }
        checkTypeParameters(out, internal, where, e.getTypeParameters());
    }

    private static void checkTypeParameters(List<String> out, Set<String> internal, String where,
                                            TypeVariable<?>[] parameters) {
        for (TypeVariable<?> v : parameters) {
            for (Type bound : v.getBounds()) {
                check(out, internal, where + " <" + v.getName() + " extends> ", bound);
            }
        }
    }

    /** Public members (inherited ones too: they are API) and declared protected ones. */
    @SafeVarargs
    private static <M extends Member> Set<M> visible(M[] publicOnes, M... declared) {
        Set<M> out = new LinkedHashSet<>(List.of(publicOnes));
        for (M m : declared) {
            if (Modifier.isProtected(m.getModifiers())) {
                out.add(m);
            }
        }
        return out;
    }

    private static String params(Executable e) {
        return String.join(", ", Stream.of(e.getParameterTypes()).map(Class::getName).toList());
    }

    private static void check(List<String> out, Set<String> internal, String where, Type type) {
        Set<Class<?>> named = new LinkedHashSet<>();
        collect(type, named, new HashSet<>());
        for (Class<?> c : named) {
            if (internal.contains(c.getPackageName())) {
                out.add(where + c.getName());
            }
        }
    }

    /** The classes {@code type} names, through arrays, type arguments, wildcards and type-variable bounds. */
    private static void collect(Type type, Set<Class<?>> out, Set<TypeVariable<?>> seen) {
        switch (type) {
            case null -> { }
            case Class<?> c when c.isArray() -> collect(c.getComponentType(), out, seen);
            case Class<?> c -> out.add(c);
            case ParameterizedType p -> {
                collect(p.getRawType(), out, seen);
                collect(p.getOwnerType(), out, seen);
                for (Type a : p.getActualTypeArguments()) {
                    collect(a, out, seen);
                }
            }
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) {
                    collect(b, out, seen);
                }
                for (Type b : w.getLowerBounds()) {
                    collect(b, out, seen);
                }
            }
            case GenericArrayType g -> collect(g.getGenericComponentType(), out, seen);
            case TypeVariable<?> v -> {
                if (seen.add(v)) {
                    for (Type b : v.getBounds()) {
                        collect(b, out, seen);
                    }
                }
            }
            default -> throw new AssertionError("unknown kind of type: " + type);
        }
    }
}
