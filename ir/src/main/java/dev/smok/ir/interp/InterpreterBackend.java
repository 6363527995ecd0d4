package dev.smok.ir.interp;

import dev.smok.ir.Backend;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.IrPrinter;
import dev.smok.ir.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The reference interpreter as a {@link Backend} ({@code --backend interpreter}). */
public final class InterpreterBackend implements Backend {
    @Override public String name() { return "interpreter"; }

    @Override public Executable compile(Graph graph, Path dumpDir) {
        if (dumpDir != null) {
            try {
                Files.createDirectories(dumpDir);
                Files.writeString(dumpDir.resolve(graph.name() + ".interpreted.ir"), IrPrinter.print(graph));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Interpreted(graph);
    }

    private static final class Interpreted implements Executable {
        private final Graph graph;
        private final Map<String, Tensor> buffers = new LinkedHashMap<>();

        Interpreted(Graph graph) {
            this.graph = graph;
            for (Input in : graph.inputs()) buffers.put(in.name(), Tensor.zeros(in.shape()));
            graph.outputs().forEach((k, v) -> buffers.putIfAbsent(k, Tensor.zeros(v.shape())));
        }

        @Override public Graph graph() { return graph; }

        @Override public Tensor buffer(String name) {
            Tensor t = buffers.get(name);
            if (t == null) throw new IllegalArgumentException("graph '" + graph.name() + "' has no input or output named '" + name + "'");
            return t;
        }

        @Override public void run() {
            Map<String, double[]> in = new HashMap<>();
            for (Input i : graph.inputs()) in.put(i.name(), toDouble(buffers.get(i.name())));
            Interpreter.Result r = Interpreter.run(graph, in);
            r.outputs().forEach((k, v) -> fromDouble(v, buffers.get(k)));
            r.updates().forEach((k, v) -> fromDouble(v, buffers.get(k)));
        }

        private static double[] toDouble(Tensor t) {
            double[] d = new double[t.size()];
            for (int i = 0; i < d.length; i++) d[i] = t.get(i);
            return d;
        }

        private static void fromDouble(double[] d, Tensor t) {
            for (int i = 0; i < d.length; i++) t.set(i, (float) d[i]);
        }
    }
}
