package dev.smok.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Network;
import dev.smok.frontend.models.Cnns;
import dev.smok.frontend.models.Perceptrons;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The harness's network specs against Smok's networks, and the Smok systems on small workloads. */
class NetworksTest {
    @Test void mlpSpecMatchesSmoksMlp() {
        assertNull(WorkloadData.mismatch(NetSpec.mlp(), Perceptrons.mlp()));
        assertEquals(Perceptrons.mlp().macs(), NetSpec.mlp().macs());
        Network other = Network.sequential("mlp", 1, 28, 28).flatten().dense(256).name("fc1").relu().dense(10).name("fc3").softmax();
        assertNotNull(WorkloadData.mismatch(NetSpec.mlp(), other));
    }

    @Test void lenetMacs() {
        // conv1 6·28·28·25 + conv2 16·10·10·150 + 400·120 + 120·84 + 84·10
        assertEquals(117_600 + 240_000 + 48_000 + 10_080 + 840, NetSpec.lenet5().macs());
    }

    @Test void lenetSpecMatchesSmoksLenet5() {
        assertNull(WorkloadData.mismatch(NetSpec.lenet5(), Cnns.lenet5()));
        assertEquals(Cnns.lenet5().macs(), NetSpec.lenet5().macs());
        WorkloadData d = WorkloadData.generate(Workload.infer("lenet5", 1), 1);
        assertNotNull(d.smokNetwork(), d.smokUnavailable());
        assertNull(new SmokSystem("interpreter").unsupported(d.workload, d));
    }

    @Test void smokInterpreterAgreesOnSgemmInferenceAndTraining() {
        List<BenchSystem> systems = List.of(new SmokSystem("interpreter"), new SmokSystem("no-such-backend"));
        var rows = new BenchRunner(systems, new BenchRunner.Config(1, 1, 0, 3, 0.15), new PrintStream(new ByteArrayOutputStream()))
                .run(List.of(Workload.sgemm(8, 16, 4), Workload.infer("mlp", 2), Workload.train("mlp", 4)));
        for (var r : rows) {
            if (r.system().equals("smok-interpreter")) assertTrue(r.ok(), r.workload().id() + ": " + r.status());
            else assertTrue(r.status().startsWith("not available"), r.status());
        }
    }
}
