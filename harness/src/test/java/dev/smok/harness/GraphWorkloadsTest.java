package dev.smok.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;
import dev.smok.frontend.Network.Port;
import dev.smok.frontend.models.Zoo;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.interp.InterpreterBackend;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The zoo's path through the harness (GraphReference, batch-norm calibration) and the conv workload, on Smok's interpreter. */
class GraphWorkloadsTest {
    /** Every op GraphReference knows: strided padded conv, batch norm, pools, LRN, concat, a residual add, dense, softmax. */
    static Network mixed() {
        Network net = Network.sequential("mixed", 3, 17, 17)
                .conv2d(8, 3, Conv2d.with().stride(2).padding(1).bias(false)).batchNorm().relu()
                .maxPool(3, 2, 1).lrn(3);
        Port x = net.output();
        Port a = net.from(x).conv2d(4, 1).relu().output();
        Port b = net.from(x).avgPool(3, 1, 1).conv2d(4, 1).output();
        Port c = net.concat(a, b);
        net.add(c, x);
        return net.globalAvgPool().dense(5).softmax();
    }

    static Map<String, float[]> values(Network net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> v = new LinkedHashMap<>();
        net.initialParameters().forEach((k, t) -> v.put(k, t.toArray()));
        net.initialStates().forEach((k, t) -> v.put(k, t.toArray()));
        WorkloadData.randomizeBatchNorm(v, r);
        v.forEach((k, arr) -> {
            if (k.endsWith("running_mean") || k.endsWith(".bias")) for (int i = 0; i < arr.length; i++) arr[i] = (float) r.nextDouble(-0.3, 0.3);
            if (k.endsWith("running_var")) for (int i = 0; i < arr.length; i++) arr[i] = (float) r.nextDouble(0.5, 2);
        });
        return v;
    }

    static float[] interpreter(Graph g, float[] x, Map<String, float[]> values) {
        try (Executable exe = new InterpreterBackend().compile(g, null)) {
            for (Input in : g.inputs()) exe.buffer(in.name()).copyFrom(in.role() == Role.INPUT ? x : values.get(in.name()), 0);
            exe.run();
            return exe.buffer("y").toArray();
        }
    }

    @Test void graphReferenceComputesWhatTheInterpreterComputes() {
        Network net = mixed();
        Graph g = net.inference(2);
        Map<String, float[]> v = values(net, 3);
        float[] x = new float[2 * 3 * 17 * 17];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        float[] want = interpreter(g, x, v);
        Outputs reference = new Outputs().put("y", want);
        Outputs.Agreement a = reference.compare(new Outputs().put("y", GraphReference.run(g, x, v)), 1e-6);
        assertTrue(a.agrees(), a.detail());
        // swapping a batch norm's mean and variance is caught
        String bn = v.keySet().stream().filter(k -> k.endsWith(".running_mean")).findFirst().orElseThrow();
        Map<String, float[]> swapped = new LinkedHashMap<>(v);
        String layer = bn.substring(0, bn.length() - ".running_mean".length());
        swapped.put(layer + ".running_mean", v.get(layer + ".running_var"));
        swapped.put(layer + ".running_var", v.get(layer + ".running_mean"));
        assertFalse(reference.compare(new Outputs().put("y", GraphReference.run(g, x, swapped)), 1e-3).agrees());
    }

    @Test void calibrationSetsTheStatisticsThatTheOutputUses() {
        Network net = mixed();
        Graph g = net.inference(2);
        Map<String, float[]> v = values(net, 5);
        float[] x = new float[2 * 3 * 17 * 17];
        for (int i = 0; i < x.length; i++) x[i] = (i % 13) / 13f;
        float[] before = GraphReference.run(g, x, v);
        float[] calibrated = GraphReference.calibrateBatchNorm(g, x, v);
        assertFalse(java.util.Arrays.equals(before, calibrated));
        Outputs.Agreement a = new Outputs().put("y", interpreter(g, x, v)).compare(new Outputs().put("y", calibrated), 1e-6);
        assertTrue(a.agrees(), a.detail());
    }

    @Test void zooSuiteAndAGraphNetworkAndConvOnTheInterpreter() {
        assertEquals(Zoo.names().size(), Suites.named("zoo").size());
        assertEquals("resnet50-infer-b1", Suites.named("resnet50-infer-b1").getFirst().id());
        assertEquals(4_089_184_256L, Workload.infer("resnet50", 1).macs());
        WorkloadData d = WorkloadData.generate(Workload.infer("resnet-mini", 2), 1);
        assertNotNull(d.graph());
        assertNotNull(d.graphReference());
        var rows = new BenchRunner(List.of(new SmokSystem("interpreter")), new BenchRunner.Config(1, 1, 0, 3, 0.15),
                new PrintStream(new ByteArrayOutputStream())).run(List.of(Workload.infer("resnet-mini", 2), Workload.conv3x3(2, 3, 8, 4)));
        for (var row : rows) assertTrue(row.ok(), row.workload().id() + ": " + row.status());
    }

    @Test void convReferenceIsTheDefinition() {
        Workload w = Workload.conv3x3(2, 2, 4, 3);
        assertEquals("conv3x3-b2-2x4x4-to3", w.id());
        assertEquals(2L * 3 * 4 * 4 * 2 * 9, w.macs());
        WorkloadData d = WorkloadData.generate(w, 2);
        Outputs ref = References.conv(d);
        assertEquals(References.SGEMM_SAMPLES, ref.get("y").length);
        float[] right = conv(d, 1), shifted = conv(d, 0);
        assertTrue(ref.compare(new Outputs().put("y", right), 1e-6).agrees());
        assertFalse(ref.compare(new Outputs().put("y", shifted), 1e-3).agrees());
    }

    /** The whole 3×3 convolution of the workload with padding {@code pad} on the top and left (1 is right). */
    static float[] conv(WorkloadData d, int pad) {
        Workload w = d.workload;
        int c = w.channels(), s = w.size(), f = w.filters();
        float[] y = new float[w.batch() * f * s * s];
        for (int n = 0; n < w.batch(); n++)
            for (int o = 0; o < f; o++)
                for (int r = 0; r < s; r++)
                    for (int q = 0; q < s; q++) {
                        double acc = 0;
                        for (int ch = 0; ch < c; ch++)
                            for (int u = 0; u < 3; u++)
                                for (int t = 0; t < 3; t++) {
                                    int iy = r + u - pad, ix = q + t - pad;
                                    if (iy >= 0 && iy < s && ix >= 0 && ix < s) acc += d.a[((n * c + ch) * s + iy) * s + ix] * d.b[((o * c + ch) * 3 + u) * 3 + t];
                                }
                        y[((n * f + o) * s + r) * s + q] = (float) acc;
                    }
        return y;
    }
}
