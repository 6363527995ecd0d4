package dev.smok.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smok.ir.Graph;
import dev.smok.ir.IrParser;

import org.junit.jupiter.api.Test;

/** Live ranges and greedy arena sizes that can be worked out by hand. */
class MemoryPlanTest {
    @Test void chainReusesTheFirstBuffer() {
        // three 4x16 floats = 256 bytes each; %0 dies when %1 is made, so %2 takes %0's place
        Graph g = IrParser.parse("""
                graph c {
                  input %x: f32[4,16]
                  %0: f32[4,16] = softmax(%x)
                  %1: f32[4,16] = softmax(%0)
                  %2: f32[4,16] = softmax(%1)
                  output y = %2
                }
                """);
        MemoryPlan p = MemoryPlan.of(g);
        assertEquals(512, p.arenaBytes());
        assertEquals(768, p.totalBytes());
        assertEquals(512, p.peakLiveBytes());
        assertEquals(java.util.List.of(0L, 256L, 0L), p.buffers().stream().map(MemoryPlan.Buffer::offset).toList());
        assertEquals(java.util.List.of(0, 1, 2), p.buffers().stream().map(MemoryPlan.Buffer::start).toList());
        assertEquals(java.util.List.of(1, 2, 3), p.buffers().stream().map(MemoryPlan.Buffer::end).toList());
    }

    @Test void fusedIntermediatesNeedNoBufferAndSmallBuffersFillGaps() {
        Graph g = IrParser.parse(FusionPlanTest.MLP);
        MemoryPlan p = MemoryPlan.of(g);
        // buffers: %2 [8,5]=160 B (an output: live to the end), %4 [8,3]=96, %5 96, %9 96 (output);
        // matmul and bias_add results inside kernels 0 and 1, and the sigmoid chain, are never materialized
        assertEquals(4, p.buffers().size(), p.toString());
        assertEquals(java.util.List.of(2, 4, 5, 9), p.buffers().stream().map(b -> g.nodes().indexOf(g.producer(b.value()))).toList());
        // %2 at 0; %4 (live 4..9) at 192; %5 (5..9) at 320; %9 (9..10) overlaps all: 448
        assertEquals(448 + 96, p.arenaBytes(), p.toString());
        assertEquals(160 + 96 * 3, p.peakLiveBytes());
    }

    @Test void withoutFusionEveryResultHasABuffer() {
        Graph g = IrParser.parse(FusionPlanTest.MLP);
        assertEquals(g.nodes().size(), MemoryPlan.of(g, FusionPlan.unfused(g)).buffers().size());
    }
}
