package dev.smok.ir.interp;

import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Scan;
import dev.smok.ir.Shape;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The interpreter's kernels for {@link dev.smok.ir.Op#SCAN} (one loop over the time steps that
 * runs the body graph with the interpreter, exactly the semantics documented in {@link Scan}),
 * and for slice and pad along one axis.
 */
final class ScanKernel {
    private ScanKernel() {}

    static double[] scan(Node n, double[][] in) {
        Graph body = n.attrs().graph(Scan.BODY);
        int length = n.attrs().i(Scan.LENGTH), nSeq = n.attrs().i(Scan.SEQUENCES), nCarry = n.attrs().i(Scan.CARRIES);
        boolean reverse = n.attrs().b(Scan.REVERSE, false);
        Scan.Layout layout = Scan.layout(body, length, nCarry);
        List<Input> bin = body.inputs();
        double[] out = new double[layout.total()];
        Map<String, double[]> step = new HashMap<>();
        for (int i = nSeq; i < in.length; i++) step.put(bin.get(i).name(), in[i]);
        for (int k = 0; k < length; k++) {
            int t = reverse ? length - 1 - k : k;
            for (int s = 0; s < nSeq; s++) {
                int size = bin.get(s).shape().size();
                step.put(bin.get(s).name(), Arrays.copyOfRange(in[s], t * size, (t + 1) * size));
            }
            List<double[]> results = List.copyOf(Interpreter.run(body, step).outputs().values());
            for (int j = 0; j < nCarry; j++) step.put(bin.get(nSeq + j).name(), results.get(j));
            for (int p = nCarry; p < results.size(); p++) {
                double[] y = results.get(p);
                System.arraycopy(y, 0, out, layout.offsets()[p] + t * y.length, y.length);
            }
        }
        for (int j = 0; j < nCarry; j++) {
            double[] c = step.get(bin.get(nSeq + j).name());
            System.arraycopy(c, 0, out, layout.offsets()[j], c.length);
        }
        return out;
    }

    /** x viewed as [outer, dim, inner] around {@code axis}. */
    private static int[] around(Shape s, int axis) {
        int ax = axis < 0 ? axis + s.rank() : axis;
        return new int[] {s.size(0, ax), s.dim(ax), s.size(ax + 1, s.rank())};
    }

    static double[] slice(Node n, double[] x) {
        int[] d = around(n.in(0).shape(), n.attrs().i("axis"));
        int start = n.attrs().i("start"), size = n.attrs().i("size"), inner = d[2];
        double[] r = new double[d[0] * size * inner];
        for (int o = 0; o < d[0]; o++) {
            System.arraycopy(x, (o * d[1] + start) * inner, r, o * size * inner, size * inner);
        }
        return r;
    }

    static double[] pad(Node n, double[] x) {
        int[] d = around(n.in(0).shape(), n.attrs().i("axis"));
        int start = n.attrs().i("start"), dim = n.attrs().i("dim"), inner = d[2];
        double[] r = new double[d[0] * dim * inner];
        for (int o = 0; o < d[0]; o++) {
            System.arraycopy(x, o * d[1] * inner, r, (o * dim + start) * inner, d[1] * inner);
        }
        return r;
    }
}
