package dev.cordon.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./cordon bench}: runs the benchmarks, prints medians side by side
 * with the ratios the issues set targets for, and writes JMH's JSON.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Path json = Path.of(args.length > 0 ? args[0] : "target/cordon-bench.json");
        Files.createDirectories(json.toAbsolutePath().getParent());
        boolean pku = Boolean.getBoolean("cordon.bench.pku");
        OptionsBuilder builder = new OptionsBuilder();
        builder.include("dev\\.cordon\\.bench\\..*Benchmark.*");
        if (!pku) {
            builder.exclude("dev\\.cordon\\.bench\\.PkuBenchmark.*");
        }
        String fsgsbase = cpuFlag("fsgsbase") ? null : "this CPU has no FSGSBASE (grep -w fsgsbase /proc/cpuinfo)";
        if (fsgsbase != null) {
            // the gate switches FS with WRFSBASE: no domain can be entered here, software path included
            System.out.println("mpk software path: not run: " + fsgsbase);
            builder.exclude("dev\\.cordon\\.bench\\.MpkSoftwareBenchmark.*");
        }
        Options options = builder
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(2))
                .measurementIterations(3).measurementTime(TimeValue.seconds(3))
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                        "-Dcordon.bundles=" + System.getProperty("cordon.bundles"),
                        "-Dcordon.native=" + System.getProperty("cordon.native"),
                        "-Dcordon.jni-bundles=" + System.getProperty("cordon.jni-bundles",
                                Path.of("bundles/benchmarks/target/jni-bundles").toAbsolutePath().toString()),
                        "-Dcordon.log=WARN")
                .resultFormat(ResultFormatType.JSON).result(json.toString())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> median = new LinkedHashMap<>();
        Map<String, String> unit = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            median.put(name, r.getPrimaryResult().getStatistics().getPercentile(50));
            unit.put(name, r.getPrimaryResult().getScoreUnit());
        }
        System.out.println();
        System.out.println("Cordon benchmarks (this machine, one run): calls, mean time per call (AverageTime),"
                + " median of the iterations; create+destroy, median of SampleTime");
        median.forEach((name, value) -> System.out.printf(Locale.ROOT, "  %-32s %12.1f %s%n", name, value, unit.get(name)));
        System.out.println();
        ratio(median, "emptyCall_process", "emptyCall_plainFfm", "process empty call vs plain FFM");
        ratio(median, "emptyCall_inprocess", "emptyCall_plainFfm", "inprocess empty call vs plain FFM");
        ratio(median, "inflate64k_process", "inflate64k_plainFfm", "process 64 KiB inflate vs plain FFM");
        ratio(median, "inflate64k_inprocess", "inflate64k_plainFfm", "inprocess 64 KiB inflate vs plain FFM");
        ratio(median, "domainCreateDestroy_process", "processSpawn_binTrue", "domain create+destroy vs spawn");
        ratio(median, "emptyCall_mpkSoftwarePath", "emptyCall_plainFfm", "mpk gate SOFTWARE PATH (no WRPKRU) vs plain FFM");
        ratio(median, "emptyCall_mpk", "emptyCall_plainFfm", "mpk empty call (real keys) vs plain FFM");
        ratio(median, "inflate64k_mpk", "inflate64k_plainFfm", "mpk 64 KiB inflate vs plain FFM");
        ratio(median, "zstdCompress1k_isolated", "zstdCompress1k_unisolated", "zstd-jni compress 1 KiB, process vs unisolated");
        ratio(median, "zstdCompress1m_isolated", "zstdCompress1m_unisolated", "zstd-jni compress 1 MiB, process vs unisolated");
        ratio(median, "lz4Compress64k_isolated", "lz4Compress64k_unisolated", "lz4-java compress 64 KiB, process vs unisolated");
        ratio(median, "lz4Decompress64k_isolated", "lz4Decompress64k_unisolated", "lz4-java decompress 64 KiB, process vs unisolated");
        targetRatio(median, "zstdCompress1m_isolated", "zstdCompress1m_unisolated", 1.1, "zstd 1 MiB on process <= 1.1x unisolated");
        targetRatio(median, "lz4Compress64k_isolated", "lz4Compress64k_unisolated", 1.3, "lz4 compress 64 KiB on process <= 1.3x unisolated");
        targetRatio(median, "lz4Decompress64k_isolated", "lz4Decompress64k_unisolated", 1.3, "lz4 decompress 64 KiB on process <= 1.3x unisolated");
        if (median.containsKey("jniCallOneCallback_isolated") && median.containsKey("jniCall_isolated")) {
            System.out.printf(Locale.ROOT, "  %-60s %10.2f us%n", "one JNI callback (GetVersion) from a process domain",
                    median.get("jniCallOneCallback_isolated") - median.get("jniCall_isolated"));
        }
        target(median, "emptyCall_process", 3_000, "ns", "process empty-call round trip <= 3 us");
        targetRatio(median, "emptyCall_mpkSoftwarePath", "emptyCall_plainFfm", 2.0,
                "mpk gate software path <= 2x plain FFM");
        target(median, "domainCreateDestroy_mpkSoftwarePath", 100, "us", "mpk create+destroy, software path, region kept <= 100 us");
        target(median, "domainCreateDestroyCold_mpkSoftwarePath", 100, "us", "mpk create+destroy, software path, cold <= 100 us");
        target(median, "domainCreateDestroy_mpk", 100, "us", "mpk create+destroy, real keys, region kept <= 100 us");
        target(median, "domainCreateDestroyCold_mpk", 100, "us", "mpk create+destroy, real keys, cold <= 100 us");
        target(median, "domainCreateDestroy_process", 1_000, "us", "process create+destroy <= 1 ms");
        System.out.println("JSON: " + json.toAbsolutePath());
    }

    /** Whether /proc/cpuinfo lists this flag (false where it cannot be read). */
    private static boolean cpuFlag(String flag) {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags"))
                    .anyMatch(l -> java.util.Arrays.asList(l.split("\\s+")).contains(flag));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void ratio(Map<String, Double> m, String a, String b, String label) {
        if (m.containsKey(a) && m.containsKey(b)) {
            System.out.printf(Locale.ROOT, "  %-40s %8.2fx%n", label, m.get(a) / m.get(b));
        }
    }

    private static void targetRatio(Map<String, Double> m, String a, String b, double limit, String label) {
        if (m.containsKey(a) && m.containsKey(b)) {
            double r = m.get(a) / m.get(b);
            System.out.printf(Locale.ROOT, "  target %-56s %s (%.2fx)%n", label, r <= limit ? "MET" : "MISSED", r);
        } else {
            notMeasured(label);
        }
    }

    private static void notMeasured(String label) {
        System.out.printf(Locale.ROOT, "  target %-56s NOT MEASURED on this machine%n", label);
    }

    private static void target(Map<String, Double> m, String name, double limit, String unit, String label) {
        if (m.containsKey(name)) {
            double v = m.get(name);
            System.out.printf(Locale.ROOT, "  target %-56s %s (%.1f %s)%n", label, v <= limit ? "MET" : "MISSED", v, unit);
        } else {
            notMeasured(label);
        }
    }
}
