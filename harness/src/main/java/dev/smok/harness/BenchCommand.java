/*
 * BenchCommand: `./smok bench [SUITE] [--peers] [--report FILE.json] [--plot FILE.png]`,
 * a picocli command run by BenchMain (the harness sits above the runtime, so the runtime's CLI
 * cannot name it; the launcher runs BenchMain with the harness's class path instead).
 */
package dev.smok.harness;

import dev.smok.harness.report.BarChart;
import dev.smok.harness.report.BenchReport;
import dev.smok.harness.report.Goals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a suite on every available system and prints the Markdown table; optional JSON and PNG. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time Smok against its peers on a suite of workloads, alternating systems window by window.",
                "Every system's outputs are checked against a reference before anything is timed."})
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SUITE", defaultValue = "all",
            description = "all, sgemm, conv, mlp, lenet5, zoo, quick, or one workload id such as mlp-infer-b256 or resnet50-infer-b1 (default: ${DEFAULT-VALUE}).")
    String suite;

    @Option(names = "--peers", description = "Also run the peers (PyTorch via DJL, ONNX Runtime, DL4J); ./smok builds them with -Ppeers.")
    boolean peers;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write the JSON report here.")
    Path report;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write a bar chart here.")
    Path plot;

    @Option(names = "--markdown", paramLabel = "FILE.md", description = "Also write the Markdown table here.")
    Path markdown;

    @Option(names = "--systems", split = ",", paramLabel = "NAME", description = "Only these systems (e.g. smok-interpreter,onnxruntime).")
    List<String> only;

    @Option(names = "--rounds", defaultValue = "7", description = "Timed windows per system (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--window-ms", defaultValue = "300", description = "Target length of a timed window (default: ${DEFAULT-VALUE}).")
    double windowMillis;

    @Option(names = "--warmup-ms", defaultValue = "1500", description = "Warm-up per system and workload (default: ${DEFAULT-VALUE}).")
    double warmupMillis;

    @Option(names = "--threads", defaultValue = "2",
            description = "Intra-op threads of numpy, PyTorch, ONNX Runtime and ND4J (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of inputs and weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override public Integer call() throws IOException {
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1");
        ThreadBudget.set(threads);
        List<Workload> workloads = Suites.named(suite);
        List<BenchSystem> systems = new ArrayList<>(SystemProvider.all(peers));
        if (peers && systems.stream().noneMatch(s -> !(s instanceof SmokSystem) && !(s instanceof NumpySystem))) {
            throw new IllegalArgumentException("--peers: no peer systems on the class path; build them with mvn -Ppeers package (./smok bench --peers does)");
        }
        if (only != null) {
            systems.removeIf(s -> !only.contains(s.name()));
            if (systems.isEmpty()) throw new IllegalArgumentException("--systems " + only + " matches no system");
        }
        Map<String, String> described = new LinkedHashMap<>();
        for (BenchSystem s : systems) {
            described.put(s.name(), s.describe());
            System.err.println("system " + s.name() + ": " + described.get(s.name()));
        }
        var runner = new BenchRunner(systems, new BenchRunner.Config(rounds, windowMillis, warmupMillis, seed, MachineLoad.BUSY_OTHERS_SHARE), System.err);
        List<BenchRunner.Row> rows = runner.run(workloads);
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        BenchReport r = new BenchReport(suite, date, Machine.describe(), described, rows);
        String table = r.markdown();
        System.out.println();
        System.out.println("Smok bench '" + suite + "', " + date + ", " + r.machine());
        System.out.println();
        System.out.print(table);
        String goals = Goals.markdown(r);
        if (!goals.isEmpty()) System.out.print("\nGoals (issues #7 and #8), as ratios within this run:\n\n" + goals);
        if (markdown != null) {
            StringBuilder md = new StringBuilder("Smok bench '" + suite + "', " + date + ", " + r.machine() + ".\n\n" + table
                    + (goals.isEmpty() ? "" : "\n" + goals) + "\nSystems:\n\n");
            described.forEach((name, d) -> md.append("- `").append(name).append("`: ").append(d).append('\n'));
            write(markdown, md.toString());
        }
        if (report != null) write(report, r.json());
        if (plot != null) BarChart.write(r, plot);
        boolean disagreement = rows.stream().anyMatch(x -> x.status().startsWith("disagrees"));
        return disagreement ? 1 : 0;
    }

    private static void write(Path file, String text) throws IOException {
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text);
    }
}
