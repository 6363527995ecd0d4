package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Network;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.io.CheckpointException;
import dev.smok.runtime.io.Checkpoints;
import dev.smok.runtime.io.SafeTensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Safetensors checkpoints: round trips, optimizer state, strict reading, and crash-safe writing. */
class CheckpointTest {
    static Network small(int hidden) {
        return Network.sequential("small", 6).dense(hidden).name("fc1").relu().dense(3).name("fc2").softmax().seed(7);
    }

    static Model compile(Network n, OptimizerSpec opt) {
        return Smok.compile(n, new Options().batch(4).backend("interpreter").optimizer(opt));
    }

    static float[] randomX(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 6];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        return x;
    }

    static final float[] LABELS = {0, 1, 2, 1};

    @Test void saveLoadPredictAndResumeAreIdentical(@TempDir Path dir) {
        Path file = dir.resolve("small.safetensors");
        float[] x = randomX(4, 1), probe = randomX(7, 2);
        try (Model a = compile(small(5), OptimizerSpec.adam(0.05f)); Model b = compile(small(5), OptimizerSpec.adam(0.05f))) {
            for (int s = 0; s < 3; s++) a.trainStep(x, LABELS);
            float[] before = a.predict(probe, 7); // inference ran last: the Adam slots live only in the training step
            Checkpoints.save(a, file);
            Map<String, Tensor> saved = Checkpoints.read(file).tensors();
            assertTrue(saved.keySet().containsAll(java.util.List.of("fc1.weight", "fc1.bias", "fc1.weight@m", "fc1.weight@v", "@step")), saved.keySet().toString());
            assertEquals(3f, saved.get("@step").get(0));

            Checkpoints.load(b, file);
            assertArrayEquals(before, b.predict(probe, 7));
            // resuming: the next step of the copy equals the next step of the original (same parameters and Adam slots)
            assertEquals(a.trainStep(x, LABELS), b.trainStep(x, LABELS));
            assertArrayEquals(a.predict(probe, 7), b.predict(probe, 7));
            for (var e : a.state().entrySet()) assertArrayEquals(e.getValue().toArray(), b.state().get(e.getKey()).toArray(), e.getKey());
        }
    }

    @Test void weightsOnlyFileLoadsAndUnknownOrMisshapenTensorsAreNamed(@TempDir Path dir) {
        Path file = dir.resolve("w.safetensors");
        try (Model a = compile(small(5), OptimizerSpec.sgd(0.1f))) {
            Checkpoints.write(file, a.parameters(), Map.of()); // what PyTorch's save_file(model.state_dict()) gives
            try (Model b = compile(small(5), OptimizerSpec.adam(0.01f))) {
                Checkpoints.load(b, file);
                assertArrayEquals(a.predict(randomX(4, 3), 4), b.predict(randomX(4, 3), 4));
            }
            try (Model wider = compile(small(8), OptimizerSpec.adam(0.01f))) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(wider, file));
                assertEquals(file + ": tensor 'fc1.weight': expected shape 8x6, found 5x6", e.getMessage());
            }
            Map<String, Tensor> extra = new java.util.LinkedHashMap<>(a.parameters());
            extra.put("conv9.weight", Tensor.zeros(Shape.of(2, 2)));
            Checkpoints.write(file, extra, Map.of());
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(a, file));
            assertTrue(e.getMessage().contains("tensor 'conv9.weight' (shape 2x2) is not in network 'small'"), e.getMessage());
            Map<String, Tensor> missing = new java.util.LinkedHashMap<>(a.parameters());
            missing.remove("fc2.bias");
            Checkpoints.write(file, missing, Map.of());
            e = assertThrows(CheckpointException.class, () -> Checkpoints.load(a, file));
            assertTrue(e.getMessage().endsWith("tensor 'fc2.bias' is missing: network 'small' expects it with shape 3"), e.getMessage());
        }
    }

    /** Batch normalization's running statistics (and dropout's step) travel with the weights: inference after loading is the same. */
    @Test void batchNormStatisticsAreSavedAndRequired(@TempDir Path dir) {
        Path file = dir.resolve("bn.safetensors");
        Network bn = Network.sequential("bn", 1, 6, 6).conv2d(2, 3).name("conv").batchNorm().name("bn").relu()
                .flatten().dropout(0.25).dense(3).name("fc").softmax().seed(3);
        float[] x = new float[4 * 36], probe = new float[5 * 36];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        for (int i = 0; i < probe.length; i++) probe[i] = (float) r.nextDouble();
        try (Model a = compile(bn, OptimizerSpec.adam(0.05f)); Model b = compile(bn, OptimizerSpec.adam(0.05f))) {
            for (int s = 0; s < 3; s++) a.trainStep(x, LABELS);
            float[] before = a.predict(probe, 5);
            Checkpoints.save(a, file);
            assertTrue(Checkpoints.read(file).tensors().containsKey("bn.running_mean"));
            Checkpoints.load(b, file);
            assertArrayEquals(before, b.predict(probe, 5), "the running statistics came along");

            Map<String, Tensor> noStats = new java.util.LinkedHashMap<>(a.state());
            noStats.remove("bn.running_var");
            Checkpoints.write(file, noStats, Map.of());
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(b, file));
            assertTrue(e.getMessage().contains("'bn.running_var' is missing") && e.getMessage().contains("batch normalization"), e.getMessage());
        }
    }

    @Test void fileLayoutIsSafetensors() {
        byte[] b = SafeTensors.encode(Map.of("w", Tensor.of(Shape.of(2), 1.5f, -2f)), Map.of("k", "v"));
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertEquals(0, n % 8);
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8).strip();
        assertEquals("{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header);
        buf.position(8 + (int) n);
        assertEquals(1.5f, buf.getFloat());
        assertEquals(-2f, buf.getFloat());
        assertEquals(b.length, buf.position());
    }

    /** reference.safetensors was written by Hugging Face's safetensors 0.8.0 (Python, numpy) — see its test for the values. */
    @Test void readsAndWritesExactlyWhatTheReferenceLibraryDoes() throws Exception {
        byte[] reference;
        try (var in = CheckpointTest.class.getResourceAsStream("reference.safetensors")) {
            reference = in.readAllBytes();
        }
        // save_file({"fc.weight": arange(6).reshape(2, 3), "fc.bias": [0.5, -1.5], "@step": [7]}, metadata={"format": "pt"})
        SafeTensors.Contents c = SafeTensors.decode(reference, "reference.safetensors");
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(Shape.of(2, 3), c.tensors().get("fc.weight").shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, c.tensors().get("fc.weight").toArray());
        assertArrayEquals(new float[] {0.5f, -1.5f}, c.tensors().get("fc.bias").toArray());
        assertArrayEquals(new float[] {7}, c.tensors().get("@step").toArray());
        assertArrayEquals(reference, SafeTensors.encode(c.tensors(), c.metadata()), "byte-identical to the reference writer");
    }

    @Test void aFileCutAtAnyByteIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("small.safetensors");
        try (Model a = compile(small(3), OptimizerSpec.adam(0.01f))) {
            a.trainStep(randomX(4, 1), LABELS);
            Checkpoints.save(a, file);
        }
        byte[] whole = Files.readAllBytes(file);
        assertEquals(Checkpoints.read(file).tensors().size(), SafeTensors.decode(whole, "x").tensors().size());
        for (int cut = 0; cut < whole.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(whole, cut);
            CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.decode(part, "cut.safetensors"), "cut at " + cut);
            String m = e.getMessage();
            assertTrue(m.startsWith("cut.safetensors: ") && (m.contains("truncated") || m.contains("corrupt header") || m.contains("not a safetensors file")),
                    "cut at " + cut + ": " + m);
        }
        byte[] longer = java.util.Arrays.copyOf(whole, whole.length + 1);
        assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.decode(longer, "x")).getMessage().contains("1 bytes after the last tensor"));
        byte[] f16 = new String(whole, StandardCharsets.ISO_8859_1).replaceFirst("\"F32\"", "\"F16\"").getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(CheckpointException.class, () -> SafeTensors.decode(f16, "x")).getMessage().contains("has dtype F16; Smok reads only F32"));
    }

    @Test void killDuringSaveLeavesThePreviousCheckpoint(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.safetensors");
        int floats = 2_000_000; // 8 MB per save
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 4; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CheckpointSaver.class.getName(), file.toString(), Integer.toString(floats))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                assertTrue(out.readLine().startsWith("saved"), "the saver did not start"); // at least one complete file exists
                Thread.sleep(random.nextInt(5, 400));
            } finally {
                p.destroyForcibly();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            }
            SafeTensors.Contents c = Checkpoints.read(file); // complete and well-formed, never half written
            float gen = Float.parseFloat(c.metadata().get("generation"));
            for (Tensor t : c.tensors().values()) {
                assertEquals(floats / 4, t.size());
                for (int i = 0; i < t.size(); i += 997) assertEquals(gen, t.get(i));
                assertEquals(gen, t.get(t.size() - 1));
            }
        }
    }
}
