package dev.smok.runtime.io;

import dev.smok.frontend.Network;
import dev.smok.frontend.ParamSpec;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.runtime.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Saving and loading a {@link Model}'s parameters and optimizer state as safetensors files.
 *
 * <p>Names: parameters under their layer names ({@code fc1.weight}, {@code fc1.bias}; weights of
 * dense layers are {@code [out, in]} like PyTorch's {@code nn.Linear}); optimizer slots under
 * {@code PARAM@m}, {@code PARAM@v} (Adam), {@code PARAM@velocity} (momentum) and {@code @step}
 * (Adam's step counter, shape [1]). A file from PyTorch that holds only the parameters loads
 * too (training then resumes with fresh optimizer slots). The metadata records the network's
 * name and the optimizer ({@code smok.network}, {@code smok.optimizer}) for people, not for
 * validation: validation compares names and shapes.
 *
 * <p>Writes are atomic and durable ({@link CheckpointWriter}); reads are strict
 * ({@link SafeTensors#decode}).
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Writes {@code model}'s parameters and optimizer state to {@code file}, replacing it atomically. */
    public static void save(Model model, Path file) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("smok.network", model.network().name());
        meta.put("smok.optimizer", String.valueOf(model.optimizer()));
        write(file, model.state(), meta);
    }

    /** Writes {@code tensors} and {@code metadata} to {@code file}, replacing it atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        try {
            CheckpointWriter.writeAtomically(file, SafeTensors.encode(tensors, metadata));
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads and strictly decodes a safetensors file. */
    public static SafeTensors.Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("no checkpoint " + file + " (file not found)");
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        return SafeTensors.decode(bytes, file.toString());
    }

    /** Reads {@code file} and sets its tensors into {@code model} ({@link Model#load}); errors name the file. */
    public static SafeTensors.Contents load(Model model, Path file) {
        SafeTensors.Contents c = read(file);
        try {
            model.load(c.tensors());
        } catch (CheckpointException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
        return c;
    }

    /**
     * Checks that {@code tensors} fit {@code network}: every parameter and state (batch-norm running
     * statistics) present with its shape, and nothing but those and optimizer slots of parameters.
     *
     * @throws CheckpointException naming the first tensor that differs, with the expected and found shapes
     */
    public static void validate(Network network, Map<String, Tensor> tensors) {
        Map<String, Shape> params = new LinkedHashMap<>(), states = new LinkedHashMap<>();
        for (ParamSpec p : network.params()) params.put(p.name(), p.shape());
        for (ParamSpec s : network.states()) states.put(s.name(), s.shape()); // batch-norm running statistics
        for (var p : params.entrySet()) {
            Tensor t = tensors.get(p.getKey());
            if (t == null) {
                throw new CheckpointException("tensor '" + p.getKey() + "' is missing: network '" + network.name()
                        + "' expects it with shape " + p.getValue().pretty());
            }
            if (!t.shape().equals(p.getValue())) throw mismatch(p.getKey(), p.getValue(), t.shape());
        }
        for (var p : states.entrySet()) { // inference needs them as much as the weights
            Tensor t = tensors.get(p.getKey());
            if (t == null) {
                throw new CheckpointException("tensor '" + p.getKey() + "' is missing: network '" + network.name()
                        + "' expects it with shape " + p.getValue().pretty() + " (a running statistic of batch normalization)");
            }
            if (!t.shape().equals(p.getValue())) throw mismatch(p.getKey(), p.getValue(), t.shape());
        }
        for (var e : tensors.entrySet()) {
            String name = e.getKey();
            if (params.containsKey(name) || states.containsKey(name)) continue;
            if (name.equals("@step")) {
                if (!e.getValue().shape().equals(Shape.of(1))) throw mismatch(name, Shape.of(1), e.getValue().shape());
                continue;
            }
            int at = name.lastIndexOf('@');
            Set<String> slots = Set.of("m", "v", "velocity");
            if (at > 0 && slots.contains(name.substring(at + 1)) && params.containsKey(name.substring(0, at))) {
                Shape want = params.get(name.substring(0, at));
                if (!e.getValue().shape().equals(want)) throw mismatch(name, want, e.getValue().shape());
                continue;
            }
            String known = params.keySet().stream().limit(8).collect(Collectors.joining(", "));
            throw new CheckpointException("tensor '" + name + "' (shape " + e.getValue().shape().pretty() + ") is not in network '"
                    + network.name() + "', whose parameters are " + known + (params.size() > 8 ? ", ..." : ""));
        }
    }

    private static CheckpointException mismatch(String name, Shape expected, Shape found) {
        return new CheckpointException("tensor '" + name + "': expected shape " + expected.pretty() + ", found " + found.pretty());
    }
}
