package dev.smok.harness.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import dev.smok.frontend.Network;
import dev.smok.harness.BenchRunner;
import dev.smok.harness.BenchSystem;
import dev.smok.harness.NetSpec;
import dev.smok.harness.Outputs;
import dev.smok.harness.SmokSystem;
import dev.smok.harness.Workload;
import dev.smok.harness.WorkloadData;
import dev.smok.harness.onnx.OnnxExport;
import dev.smok.ir.Tensor;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The peers compute what Smok computes: ONNX Runtime on Smok's ONNX export against Smok's
 * interpreter, and every peer through the harness's agreement check on small versions of the
 * suite's workloads (inference, a training step, sgemm). Runs only in the "peers" profile.
 */
class PeersAgreementTest {
    static final NetSpec SMALL = new NetSpec("small", new int[] {1, 4, 4}, List.of(new NetSpec.Flatten(),
            new NetSpec.Dense("fc1", 16, 8), new NetSpec.Relu(), new NetSpec.Dense("fc2", 8, 3), new NetSpec.Softmax()));

    @Test void onnxRuntimeRunsSmoksExportLikeSmoksInterpreter() throws Exception {
        Network net = Network.sequential("small", 1, 4, 4).flatten().dense(8).name("fc1").relu().dense(3).name("fc2").softmax();
        Map<String, float[]> w = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(11);
        for (Map.Entry<String, Tensor> e : net.initialParameters().entrySet()) {
            float[] v = e.getValue().toArray();
            if (e.getKey().endsWith(".bias")) for (int i = 0; i < v.length; i++) v[i] = (float) r.nextDouble(-0.5, 0.5);
            w.put(e.getKey(), v);
        }
        int batch = 6;
        float[] x = new float[batch * 16];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        float[] smok;
        try (Model model = Smok.compile(net, new Options().backend("interpreter").batch(batch))) {
            w.forEach((k, v) -> model.inferenceExecutable().buffer(k).copyFrom(v, 0));
            smok = model.predict(x, batch);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] ort;
        try (OrtSession s = env.createSession(OnnxExport.network(SMALL, w, batch), OnnxRuntimeSystem.options());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 1, 4, 4});
             OrtSession.Result res = s.run(Map.of("x", t))) {
            ort = OnnxRuntimeSystem.floats((OnnxTensor) res.get(0));
        }
        Outputs.Agreement a = new Outputs().put("y", smok).compare(new Outputs().put("y", ort), 1e-5);
        assertTrue(a.agrees(), a.detail());
        // the comparison can fail: ONNX Runtime with one bias changed disagrees
        w.get("fc2.bias")[0] += 1f;
        try (OrtSession s = env.createSession(OnnxExport.network(SMALL, w, batch), OnnxRuntimeSystem.options());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 1, 4, 4});
             OrtSession.Result res = s.run(Map.of("x", t))) {
            assertFalse(new Outputs().put("y", smok).compare(new Outputs().put("y", OnnxRuntimeSystem.floats((OnnxTensor) res.get(0))), 1e-3).agrees());
        }
    }

    static List<BenchRunner.Row> run(List<BenchSystem> systems, Workload... w) {
        return new BenchRunner(systems, new BenchRunner.Config(1, 1, 0, 5, 0.15), new PrintStream(new ByteArrayOutputStream())).run(List.of(w));
    }

    static void assertAllOk(List<BenchRunner.Row> rows, String... allowedNotOk) {
        for (BenchRunner.Row r : rows) {
            if (r.ok()) continue;
            boolean allowed = r.status().startsWith("n/a") || List.of(allowedNotOk).contains(r.system());
            assertTrue(allowed, r.workload().id() + " on " + r.system() + ": " + r.status());
        }
    }

    @Test void everyPeerAgreesWithSmokOnTheMlp() {
        List<BenchSystem> systems = List.of(new SmokSystem("interpreter"), new DjlSystem(), new OnnxRuntimeSystem(), new Dl4jSystem());
        List<BenchRunner.Row> rows = run(systems, Workload.infer("mlp", 3), Workload.train("mlp", 4), Workload.sgemm(17, 33, 9));
        assertAllOk(rows);
        long measured = rows.stream().filter(BenchRunner.Row::ok).count();
        assertEquals(4 + 3 + 4, measured, "rows: " + rows.stream().map(r -> r.workload().id() + "/" + r.system() + "=" + r.status()).toList());
    }

    @Test void peersAgreeOnLenet5() {
        WorkloadData d = WorkloadData.generate(Workload.train("lenet5", 4), 5);
        List<BenchSystem> systems = List.of(new SmokSystem("interpreter"), new DjlSystem(), new OnnxRuntimeSystem(), new Dl4jSystem());
        List<BenchRunner.Row> rows = run(systems, Workload.infer("lenet5", 2), Workload.train("lenet5", 4));
        // Smok's LeNet-5 may not exist yet; then the peers' training steps are checked against each other (DJL is the reference)
        assertAllOk(rows, d.smokNetwork() == null ? "smok-interpreter" : "");
        for (BenchRunner.Row r : rows) if (!r.system().startsWith("smok") && !r.status().startsWith("n/a")) assertTrue(r.ok(), r.status());
    }

    @Test void peersAgreeOnTheConvWorkloadAndOnSmoksGraphs() {
        List<BenchSystem> systems = List.of(new SmokSystem("interpreter"), new DjlSystem(), new OnnxRuntimeSystem(), new Dl4jSystem());
        List<BenchRunner.Row> rows = run(systems, Workload.conv3x3(2, 3, 8, 4), Workload.infer("resnet-mini", 2), Workload.infer("inception-mini", 2));
        assertAllOk(rows);
        long measured = rows.stream().filter(BenchRunner.Row::ok).count();
        assertEquals(4 + 3 + 3, measured, "rows: " + rows.stream().map(r -> r.workload().id() + "/" + r.system() + "=" + r.status()).toList());
    }
}
