package dev.smok.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code dumpDir} receives the generated class, the IR it came from and the kernel plan. */
class DumpTest {
    @Test
    void dumpsClassIrAndPlan(@TempDir Path dir) throws Exception {
        Graph g = TrainingGraphs.mlpForward(4, 20, 16, 10);
        try (CpuExecutable ex = new CpuBackend(1).compile(g, dir)) {
            byte[] bytes = Files.readAllBytes(dir.resolve("GeneratedSchedule.class"));
            List<String> methods = new ArrayList<>();
            new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                    methods.add(name + desc);
                    return null;
                }
            }, 0);
            assertTrue(methods.contains("run([F)V") && methods.contains("k0([FIIII)V"), methods.toString());
            assertEquals(g.toString(), Files.readString(dir.resolve("mlp_infer.ir")));
            String plan = Files.readString(dir.resolve("mlp_infer.plan.txt"));
            assertTrue(plan.contains("kernels: " + ex.kernelCount() + "  arena: " + ex.arenaBytes() + " bytes"), plan);
            // two dense layers (gemm + fused bias/relu epilogue each) and the softmax
            assertEquals(3, ex.kernelCount(), plan);
        }
    }
}
