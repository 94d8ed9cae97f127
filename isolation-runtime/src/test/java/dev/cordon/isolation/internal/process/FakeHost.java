package dev.cordon.isolation.internal.process;

import static dev.cordon.isolation.internal.process.ChannelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.cordon.isolation.internal.nativelib.Libc;
import dev.cordon.isolation.internal.process.HostileScript.Kind;
import dev.cordon.isolation.internal.process.HostileScript.Step;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A hostile cordon-host, played by a thread of the test JVM. The process the
 * backend starts is a stand-in that only holds the channel (fake-cordon-host:
 * a script that sleeps); this thread opens that process's fd 3, maps the
 * channel as the real host would, and answers the JVM's requests as its
 * {@link HostileScript} says.
 *
 * <p>It records what it answered to each call (by the token the caller put
 * in args[0]), so that the caller can tell a returned value from an invented
 * one, and every request of the JVM's that breaks the protocol.
 */
final class FakeHost implements AutoCloseable {
    /** What this host wrote as the answer to one call. */
    record Answer(boolean honest, long result) {
    }

    /** The capacity of the buffer the callers pass to fill(). */
    static final int FILL_CAPACITY = 16;

    /** Fields a SCRIBBLE may hit: offset in the header or in slot 0 or 1, width in bytes. */
    private record Field(long offset, int width, int slot) {
    }

    private static final List<Field> FIELDS = fields();

    private final HostileScript script;
    private final Set<Long> childrenBefore;
    private final Map<Long, Answer> answers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> complaints = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> resolved = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile ProcessHandle process;

    private FakeHost(HostileScript script) {
        this.script = script;
        this.childrenBefore = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
        this.thread = Thread.ofPlatform().daemon().name("fake-cordon-host").start(this::run);
    }

    /** Starts playing {@code script} on the next child process the JVM starts. */
    static FakeHost play(HostileScript script) {
        return new FakeHost(script);
    }

    Answer answer(long token) {
        return answers.get(token);
    }

    List<String> complaints() {
        return List.copyOf(complaints);
    }

    ProcessHandle process() {
        return process;
    }

    private void run() {
        try {
            ProcessHandle child = awaitChild();
            if (child == null) {
                return;
            }
            process = child;
            try (Arena arena = Arena.ofShared();
                    FileChannel fd = FileChannel.open(fd3(child), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment channel = fd.map(FileChannel.MapMode.READ_WRITE, 0, fd.size(), arena);
                new Play(channel, fd, child).run();
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                complaints.add("the fake host failed: " + e);
            }
        }
    }

    private ProcessHandle awaitChild() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stopped && System.nanoTime() < until) {
            var fresh = ProcessHandle.current().children().filter(p -> !childrenBefore.contains(p.pid())).findFirst();
            if (fresh.isPresent() && holdsTheChannel(fresh.get())) {
                return fresh.get();
            }
            LockSupport.parkNanos(200_000);
        }
        return null;
    }

    /**
     * Whether the child's fd 3 is the channel yet: posix_spawn's child is
     * visible before its file actions have run, with the JVM's own fd 3.
     */
    private static boolean holdsTheChannel(ProcessHandle child) {
        try {
            return Files.readSymbolicLink(fd3(child)).toString().startsWith("/memfd:cordon:");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static Path fd3(ProcessHandle child) {
        return Path.of("/proc", Long.toString(child.pid()), "fd", "3");
    }

    /** One run of the script against one channel. */
    private final class Play {
        private final MemorySegment channel;
        private final FileChannel fd;
        private final ProcessHandle child;
        private final Iterator<Step> steps = script.steps().iterator();
        private int nslots;
        private long stride;
        private long slotsOffset;
        private int[] last;

        Play(MemorySegment channel, FileChannel fd, ProcessHandle child) {
            this.channel = channel;
            this.fd = fd;
            this.child = child;
        }

        void run() throws IOException {
            if (!awaitHeader() || !start()) {
                return;
            }
            while (!stopped) {
                for (int i = 0; i < nslots; i++) {
                    int s = state(i);
                    if (s == SLOT_REQUEST && last[i] != SLOT_REQUEST) {
                        last[i] = SLOT_REQUEST;
                        if (!answer(i)) {
                            return;
                        }
                    } else {
                        last[i] = s;
                    }
                }
                LockSupport.parkNanos(20_000);
            }
        }

        /** As the real host: nothing in the header is valid before the version word. */
        private boolean awaitHeader() {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((int) INT.getVolatile(channel, H_VERSION) == 0) {
                if (stopped || System.nanoTime() > until) {
                    return false;
                }
                LockSupport.parkNanos(50_000);
            }
            nslots = channel.get(JAVA_INT, H_NSLOTS);
            stride = channel.get(JAVA_LONG, H_SLOT_STRIDE);
            slotsOffset = channel.get(JAVA_LONG, H_SLOTS_OFFSET);
            last = new int[nslots];
            return true;
        }

        private boolean start() {
            byte[] text = script.errorText();
            MemorySegment.copy(text, 0, channel, JAVA_BYTE, H_ERROR, Math.min(text.length, ERROR_LEN));
            switch (script.start()) {
                case READY -> setHostState(HOST_READY);
                case FAILED -> setHostState(HOST_FAILED);
                case EXIT -> child.destroyForcibly();
                case RAW -> setHostState(script.rawStartState());
            }
            return script.start() == HostileScript.Start.READY;
        }

        private void setHostState(int value) {
            INT.setVolatile(channel, H_HOST_STATE, value);
            Libc.futexWake(channel.asSlice(H_HOST_STATE, 4));
        }

        private MemorySegment slot(int i) {
            return channel.asSlice(slotsOffset + stride * i, stride);
        }

        private int state(int i) {
            return (int) INT.getVolatile(slot(i), S_STATE);
        }

        /** Runs the steps up to the next answer and gives it to slot i; false once this host is dead. */
        private boolean answer(int i) throws IOException {
            checkRequest(i);
            while (steps.hasNext()) {
                Step step = steps.next();
                switch (step.kind()) {
                    case SCRIBBLE -> scribble(step);
                    case TRUNCATE -> tryToResize();
                    default -> {
                        return answerWith(i, step);
                    }
                }
            }
            return answerWith(i, new Step(Kind.HONEST, 0, 0));
        }

        private boolean answerWith(int i, Step step) {
            MemorySegment slot = slot(i);
            long token = slot.get(JAVA_LONG, S_ARGS);
            if (slot.get(JAVA_INT, S_OP) == OP_RESOLVE && leavesWaiting(step)) {
                // the JVM gives a resolve 10 s (start-up's limit): silence there would cost every such input 10 s
                step = new Step(Kind.HONEST, 0, 0);
            }
            switch (step.kind()) {
                case HONEST -> done(slot, i, token, STATUS_OK, step.value() != 0 ? step.value() : honestResult(slot));
                case WRONG_STATUS -> done(slot, i, token, step.value() == 0 ? 1 : (int) step.value(), 0);
                case WRONG_STATE -> {
                    record(slot, token, false, 0);
                    int s = (int) step.value() == SLOT_DONE ? SLOT_DEAD : (int) step.value();
                    write(i, s);
                }
                case FLIP -> {
                    done(slot, i, token, STATUS_OK, honestResult(slot));
                    int s = (int) step.value();
                    write(i, s == SLOT_DONE || s == SLOT_REQUEST ? SLOT_IDLE : s);
                }
                case SILENT -> record(slot, token, false, 0);
                case DIE -> {
                    record(slot, token, false, 0);
                    die(step);
                    return false;
                }
                default -> throw new IllegalStateException(step.kind().name());
            }
            return true;
        }

        private static boolean leavesWaiting(Step step) {
            return step.kind() == Kind.SILENT || step.kind() == Kind.WRONG_STATE && (int) step.value() == SLOT_REQUEST;
        }

        private void done(MemorySegment slot, int i, long token, int status, long result) {
            if (slot.get(JAVA_INT, S_OP) == OP_CALL && status == STATUS_OK && fnName(slot).equals("fill")) {
                fillArena(slot, token);
            }
            if (slot.get(JAVA_INT, S_OP) == OP_RESOLVE && status == STATUS_OK && result >= 0 && result < MAX_FUNCTIONS) {
                resolved.put(resolvedName(slot), (int) result); // the JVM calls whatever index it was given
            }
            slot.set(JAVA_LONG, S_RESULT, result);
            slot.set(JAVA_INT, S_STATUS, status);
            record(slot, token, status == STATUS_OK, result);
            write(i, SLOT_DONE);
        }

        /** A call's answer, by its token; a resolve has none. */
        private void record(MemorySegment slot, long token, boolean honest, long result) {
            if (slot.get(JAVA_INT, S_OP) == OP_CALL) {
                answers.put(token, new Answer(honest, result));
            }
        }

        private void write(int i, int s) {
            INT.setVolatile(slot(i), S_STATE, s);
            last[i] = s;
            Libc.futexWake(slot(i).asSlice(S_STATE, 4));
        }

        /** Resolve: the next index for a new name; echo: its token; fill: a length that fits. */
        private long honestResult(MemorySegment slot) {
            if (slot.get(JAVA_INT, S_OP) == OP_RESOLVE) {
                return resolved.computeIfAbsent(resolvedName(slot), n -> 10 + resolved.size());
            }
            long token = slot.get(JAVA_LONG, S_ARGS);
            return fnName(slot).equals("fill") ? Math.floorMod(token, FILL_CAPACITY + 1) : token;
        }

        private static String resolvedName(MemorySegment slot) {
            return slot.asSlice(SLOT_HEAD).getString(0, StandardCharsets.UTF_8);
        }

        private String fnName(MemorySegment slot) {
            int fn = slot.get(JAVA_INT, S_FN);
            return resolved.entrySet().stream().filter(e -> e.getValue() == fn).map(Map.Entry::getKey)
                    .findFirst().orElse("?");
        }

        /** fill(token, out): out's bytes are token + i. */
        private void fillArena(MemorySegment slot, long token) {
            long at = slot.get(JAVA_LONG, S_ARGS + 8);
            long size = slot.get(JAVA_LONG, S_ARGS + 16);
            for (long k = 0; k < size; k++) {
                slot.set(JAVA_BYTE, SLOT_HEAD + at + k, (byte) (token + k));
            }
        }

        /** What the JVM asks must be a request the protocol allows, whatever this host did before. */
        private void checkRequest(int i) {
            MemorySegment slot = slot(i);
            int op = slot.get(JAVA_INT, S_OP);
            if (op == OP_RESOLVE) {
                return;
            }
            int fn = slot.get(JAVA_INT, S_FN);
            long arenaSize = stride - SLOT_HEAD;
            if (op != OP_CALL || !resolved.containsValue(fn)) {
                complaints.add("slot " + i + ": request op " + op + " fn " + fn + " was never resolved");
            }
            int mask = slot.get(JAVA_INT, S_PTR_MASK);
            for (int a = 0; a < 6; a++) {
                long arg = slot.get(JAVA_LONG, S_ARGS + 8L * a);
                if ((mask & 1 << a) != 0 && (arg < 0 || arg > arenaSize)) {
                    complaints.add("slot " + i + ": argument " + a + " offset " + arg + " outside the arena");
                }
            }
        }

        /**
         * Writes a field the JVM reads. Never DONE into a state, and never a
         * result or status under a DONE: either would be an answer, which
         * only answerWith gives.
         */
        private void scribble(Step step) {
            Field f = FIELDS.get((int) (step.where() % FIELDS.size()));
            if (f.slot() >= nslots) {
                return;
            }
            long base = f.slot() < 0 ? 0 : slotsOffset + stride * f.slot();
            long at = base + f.offset();
            if (f.slot() >= 0 && f.offset() == S_STATE) {
                int s = (int) step.value() == SLOT_DONE ? SLOT_DEAD : (int) step.value();
                write(f.slot(), s);
                return;
            }
            if (f.slot() >= 0 && (f.offset() == S_RESULT || f.offset() == S_STATUS) && state(f.slot()) == SLOT_DONE) {
                return;
            }
            if (f.width() == 8) {
                channel.set(JAVA_LONG, at, step.value());
            } else {
                INT.setVolatile(channel, at, (int) step.value());
            }
            if (f.slot() < 0 && f.offset() == H_HOST_STATE) {
                Libc.futexWake(channel.asSlice(H_HOST_STATE, 4));
            }
        }

        /** A host that could shrink the channel would make the JVM's next access to it SIGBUS. */
        private void tryToResize() throws IOException {
            long size = fd.size();
            try {
                fd.truncate(PAGE);
            } catch (IOException refused) {
                return; // sealed: as it must be
            }
            complaints.add("the host could shrink the channel from " + size + " bytes");
            fd.write(ByteBuffer.allocate(1), size - 1); // grow it back before the JVM touches it
        }

        /** As the real host's fault handler: the fault fields, signal last, then the end. */
        private void die(Step step) {
            channel.set(JAVA_INT, H_FAULT_CODE, (int) step.where());
            channel.set(JAVA_LONG, H_FAULT_ADDRESS, step.where());
            channel.set(JAVA_LONG, H_FAULT_IP, ~step.where());
            INT.setVolatile(channel, H_FAULT_SIGNAL, (int) step.value());
            setHostState(HOST_FAILED);
            child.destroyForcibly();
        }
    }

    private static List<Field> fields() {
        List<Field> f = new ArrayList<>(List.of(
                new Field(H_MAGIC, 8, -1), new Field(H_VERSION, 4, -1), new Field(H_NSLOTS, 4, -1),
                new Field(H_SLOT_STRIDE, 8, -1), new Field(H_SLOTS_OFFSET, 8, -1), new Field(H_IMAGE_OFFSET, 8, -1),
                new Field(H_IMAGE_SIZE, 8, -1), new Field(H_HEAP_SIZE, 8, -1), new Field(H_HOST_STATE, 4, -1),
                new Field(H_HOST_PID, 4, -1), new Field(H_FAULT_SIGNAL, 4, -1), new Field(H_FAULT_CODE, 4, -1),
                new Field(H_FAULT_ADDRESS, 8, -1), new Field(H_FAULT_IP, 8, -1)));
        for (long e = 0; e < ERROR_LEN; e += 64) {
            f.add(new Field(H_ERROR + e, 8, -1));
        }
        // the slot words the JVM reads; it only writes the request's
        for (int slot = 0; slot < 2; slot++) {
            for (long offset : new long[] {S_STATE, S_HOST_WAITING, S_RESULT, S_STATUS}) {
                f.add(new Field(offset, offset == S_RESULT ? 8 : 4, slot));
            }
        }
        return List.copyOf(f);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
