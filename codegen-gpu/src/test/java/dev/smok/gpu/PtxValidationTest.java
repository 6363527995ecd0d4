package dev.smok.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every PTX module the backend generates for the test graphs assembles with ptxas -arch=sm_90. */
class PtxValidationTest {
    static List<Graph> graphs() {
        List<Graph> gs = new ArrayList<>();
        for (OpGraphs.Case c : OpGraphs.all()) gs.add(c.graph());
        gs.add(TrainingGraphs.mlp(false));
        gs.add(TrainingGraphs.mlp(true));
        gs.add(TrainingGraphs.lenet5());
        return gs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void assemblesForSm90(Graph g) throws Exception {
        String ptx = PtxEmitter.emit(g);
        assertTrue(ptx.contains(".entry"), "no kernel in PTX for " + g.name());
        Path ptxas = DeviceAssumptions.ptxas();
        Path dir = Files.createDirectories(Path.of("target", "ptx"));
        Path file = dir.resolve(g.name() + ".ptx");
        Files.writeString(file, ptx);
        Process p = new ProcessBuilder(ptxas.toString(), "-arch=sm_90", "-o", dir.resolve(g.name() + ".cubin").toString(), file.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "ptxas rejected " + file + ":\n" + log);
    }

    @Test
    void emitsVersionAndTarget() {
        String ptx = PtxEmitter.emit(TrainingGraphs.mlp(false));
        assertTrue(ptx.contains(".version 7.0") && ptx.contains(".target sm_80") && ptx.contains(".address_size 64"), ptx);
    }

}
