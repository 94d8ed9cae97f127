package dev.cordon.itest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One of the demo module's main classes in a child JVM, started the way the
 * {@code cordon} script starts it (its class path, its JVM options), with its
 * standard output and error read line by line and its standard input written.
 */
final class Launcher implements AutoCloseable {
    /** A guard against a hang, not a measurement: the child normally answers at once. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Process process;
    private final Writer input;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private Launcher(Process process) {
        this.process = process;
        this.input = process.outputWriter(StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("launcher-output").start(this::readOutput);
    }

    /** {@code java -cp demo/target/classes:classpath.txt MAIN ARGS...}, as {@code ./cordon demo|shell}. */
    static Launcher start(String mainClass, String... args) throws IOException {
        String classPath = demoTarget("classes") + ":" + Files.readString(demoTarget("classpath.txt")).trim();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return new Launcher(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** A path in bundles/demo/target, where the demo's build puts its bundles and class path. */
    static Path demoTarget(String dir) {
        return Framework.bundles().toAbsolutePath().getParent().resolve(dir);
    }

    private void readOutput() {
        try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line; (line = out.readLine()) != null;) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output unreadable: " + e + ")");
        }
    }

    /** Sends one line to the child's standard input. */
    void send(String line) throws IOException {
        input.write(line + "\n");
        input.flush();
    }

    /** The next output line that matches, after the ones before it; fails with all output so far if none comes. */
    String awaitLine(Predicate<String> wanted, String what) throws InterruptedException {
        long until = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no output line " + what + "; output so far:\n" + String.join("\n", seen));
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Waits for the child to end and returns its exit status. */
    int exitStatus() throws InterruptedException {
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the child did not end; output so far:\n" + String.join("\n", seen));
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
