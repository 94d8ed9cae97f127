package dev.cordon.itest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.ObjectName;

/**
 * What this JVM holds that a domain's life could leak: open fds by kind,
 * cordon-host children, channel mappings, threads, native memory (NMT,
 * outside the Java heap), RSS, and {@code cordon-*} entries in its temp dir.
 */
record ResourceSnapshot(Map<String, Integer> fds, long hosts, long channelMappings, List<String> threads,
        long nativeKb, long rssKb, List<String> tempEntries) {

    static ResourceSnapshot take() throws IOException {
        return new ResourceSnapshot(readFds(), readHosts(), readChannelMappings(), readThreads(), readNativeKb(), readRssKb(),
                readTempEntries());
    }

    int fdCount() {
        return fds.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * fds by what they point at, inode numbers dropped ("memfd:cordon:x",
     * "anon_inode:[pidfd]", "socket"), and a bundle's revision too: an
     * update closes one revision's jar and opens the next.
     */
    private static Map<String, Integer> readFds() throws IOException {
        Map<String, Integer> kinds = new TreeMap<>();
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    kinds.merge(target.replaceAll("\\[[0-9]+\\]|:[0-9]+$| \\(deleted\\)", "")
                            .replaceAll("/version[0-9.]+/", "/version#/"), 1, Integer::sum);
                } catch (IOException closedMeanwhile) {
                    // the listing's own fd
                }
            }
        }
        return kinds;
    }

    private static long readHosts() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().orElse("").endsWith("cordon-host")).count();
    }

    private static long readChannelMappings() throws IOException {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(l -> l.contains("memfd:cordon:")).count();
        }
    }

    private static List<String> readThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName().replaceAll("[0-9]+", "#"));
        }
        names.sort(null);
        return names;
    }

    /** NMT's committed total less the Java heap; -1 without -XX:NativeMemoryTracking. */
    private static long readNativeKb() {
        String report;
        try {
            report = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            return -1;
        }
        long total = committed(report, "Total: ");
        long heap = committed(report, "Java Heap (");
        return total < 0 || heap < 0 ? -1 : total - heap;
    }

    private static long committed(String report, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "reserved=[0-9]+KB, committed=([0-9]+)KB").matcher(report);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long readRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static List<String> readTempEntries() throws IOException {
        try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cordon-")).sorted().toList();
        }
    }

    /** The differences from {@code before}, one line each; empty when every resource is back. */
    List<String> leaksSince(ResourceSnapshot before, long nativeMarginKb, long rssMarginKb, int threadMargin) {
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, Integer> e : fds.entrySet()) {
            int was = before.fds.getOrDefault(e.getKey(), 0);
            if (e.getValue() > was) {
                leaks.add("fds on " + e.getKey() + ": " + was + " -> " + e.getValue());
            }
        }
        if (hosts != before.hosts) {
            leaks.add("cordon-host children: " + before.hosts + " -> " + hosts);
        }
        if (channelMappings > before.channelMappings) {
            leaks.add("channel mappings: " + before.channelMappings + " -> " + channelMappings);
        }
        // by name, not by count: a thread of an earlier test that ends meanwhile must
        // not hide one this run left behind
        List<String> added = new ArrayList<>(threads);
        before.threads.forEach(added::remove);
        if (added.size() > threadMargin) {
            leaks.add("threads: " + before.threads.size() + " -> " + threads.size() + ", new: " + added);
        }
        if (before.nativeKb >= 0 && nativeKb - before.nativeKb > nativeMarginKb) {
            leaks.add("native memory (NMT, less the heap): " + before.nativeKb + " KB -> " + nativeKb + " KB");
        }
        if (rssKb - before.rssKb > rssMarginKb) {
            leaks.add("RSS: " + before.rssKb + " KB -> " + rssKb + " KB");
        }
        List<String> newTemp = new ArrayList<>(tempEntries);
        newTemp.removeAll(before.tempEntries);
        if (!newTemp.isEmpty()) {
            leaks.add("temp entries: " + newTemp);
        }
        return leaks;
    }

    String deltas(ResourceSnapshot before) {
        List<String> added = new ArrayList<>(threads);
        before.threads.forEach(added::remove);
        return String.format("fds %d -> %d, cordon-host children %d -> %d, channel mappings %d -> %d, threads %d -> %d"
                + " (new: %s), native (NMT less heap) %d -> %d KB, RSS %d -> %d KB (heap committed now %d KB),"
                + " cordon-* temp entries %d -> %d",
                before.fdCount(), fdCount(), before.hosts, hosts, before.channelMappings, channelMappings,
                before.threads.size(), threads.size(), added, before.nativeKb, nativeKb, before.rssKb, rssKb,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024,
                before.tempEntries.size(), tempEntries.size());
    }
}
