package io.ringloop.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringloop.Ringloop;
import io.ringloop.loop.Backend;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** AsyncFiles' path calls on every backend and from a plain thread: what they do, and errors in one shape. */
class AsyncFilesTest {
    @TempDir
    Path dir;

    private static <T> T run(Backend backend, Callable<T> body) throws Exception {
        try (Ringloop rt = Ringloop.builder().backend(backend).threads(1).start()) {
            return rt.blockOn(body);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldRenameDeleteAndMakeAndRemoveDirectories(Backend backend) throws Exception {
        Path a = Files.write(dir.resolve("a"), new byte[] {1, 2});
        Path b = dir.resolve("b");
        Path sub = dir.resolve("sub");
        run(backend, () -> {
            AsyncFiles.rename(a, b);
            AsyncFiles.createDirectory(sub);
            AsyncFiles.rename(Files.write(dir.resolve("c"), new byte[1]), sub.resolve("c"));
            assertEquals(Set.of(b, sub), new TreeSet<>(AsyncFiles.list(dir)));
            assertEquals(List.of(sub.resolve("c")), AsyncFiles.list(sub));
            AsyncFiles.delete(sub.resolve("c"));
            AsyncFiles.deleteDirectory(sub);
            return null;
        });
        assertFalse(Files.exists(a));
        assertEquals(2, Files.size(b));
        assertFalse(Files.exists(sub));
    }

    @ParameterizedTest
    @MethodSource("io.ringloop.Backends#all")
    void shouldReportPathErrorsInOneShape(Backend backend) throws Exception {
        Path missing = dir.resolve("missing");
        Path file = Files.write(dir.resolve("file"), new byte[1]);
        Path full = Files.createDirectory(dir.resolve("full"));
        Files.write(full.resolve("x"), new byte[1]);
        run(backend, () -> {
            NoSuchFileException none = assertThrows(NoSuchFileException.class, () -> AsyncFiles.delete(missing));
            assertEquals("unlinkat(" + missing + "): ENOENT (2) No such file or directory", none.getMessage());
            assertEquals("renameat(" + missing + " -> " + file + "): ENOENT (2) No such file or directory",
                    assertThrows(NoSuchFileException.class, () -> AsyncFiles.rename(missing, file)).getMessage());
            assertEquals("mkdirat(" + file + "): EEXIST (17) File exists",
                    assertThrows(FileAlreadyExistsException.class, () -> AsyncFiles.createDirectory(file))
                            .getMessage());
            IOException isDir = assertThrows(IOException.class, () -> AsyncFiles.delete(full));
            assertEquals("unlinkat(" + full + "): EISDIR (21) Is a directory", isDir.getMessage());
            IOException notEmpty = assertThrows(IOException.class, () -> AsyncFiles.deleteDirectory(full));
            assertEquals("rmdir(" + full + "): ENOTEMPTY (39) Directory not empty", notEmpty.getMessage());
            NoSuchFileException noDir = assertThrows(NoSuchFileException.class, () -> AsyncFiles.list(missing));
            assertEquals("opendir(" + missing + "): ENOENT (2) No such file or directory", noDir.getMessage());
            return null;
        });
        assertTrue(Files.exists(full.resolve("x")));
    }

    @Test
    void shouldWorkFromAPlainThread() throws IOException {
        Path sub = dir.resolve("plain");
        AsyncFiles.createDirectory(sub);
        assertTrue(Files.isDirectory(sub));
        AsyncFiles.deleteDirectory(sub);
        assertFalse(Files.exists(sub));
        assertThrows(NullPointerException.class, () -> AsyncFiles.delete(null));
    }
}
