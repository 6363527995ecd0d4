package dev.smok.frontend;

import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Shape;
import dev.smok.ir.Slicing;
import dev.smok.ir.Value;

import java.util.List;

/**
 * The recurrent cells, each as the body of one time step of a {@link dev.smok.ir.Op#SCAN}, in the
 * lecture's notation (σ the logistic sigmoid, ∗ the elementwise product):
 *
 * <pre>
 * RNN   h_t = tanh(W_in·x_t + W_rec·h_{t-1} + b)
 * LSTM  f_t = σ(W_f·[h_{t-1}, x_t] + b_f)           forget gate
 *       i_t = σ(W_i·[h_{t-1}, x_t] + b_i)           input gate
 *       C̃_t = tanh(W_C·[h_{t-1}, x_t] + b_C)        candidate
 *       C_t = f_t ∗ C_{t-1} + i_t ∗ C̃_t              cell state
 *       o_t = σ(W_o·[h_{t-1}, x_t] + b_o)           output gate
 *       h_t = o_t ∗ tanh(C_t)
 * GRU   z_t = σ(W_z·x_t + U_z·h_{t-1} + b_z)        update gate (Cho et al., 2014)
 *       r_t = σ(W_r·x_t + U_r·h_{t-1} + b_r)        reset gate
 *       h̃_t = tanh(W_h·x_t + U_h·(r_t ∗ h_{t-1}) + b_h)
 *       h_t = (1 − z_t) ∗ h_{t-1} + z_t ∗ h̃_t
 * </pre>
 *
 * <p>Efficient formulation: W·[h, x] = W^h·h + W^x·x, so each gate matrix is split into a
 * recurrent part and an input part, and the gates are stacked (rows f, i, C̃, o for the LSTM;
 * z, r, h̃ for the GRU). The input parts of all gates and all time steps are one GEMM before the
 * loop (the layer's {@code w_in} [gates·H, F] and {@code bias} [gates·H]), so the body receives
 * p_t = W^x·x_t + b for the step. In the body the recurrent parts of all gates are one matmul
 * (h·{@code w_rec}ᵀ, [N, gates·H]) that is sliced into the gates; the GRU needs two, because its
 * candidate reads r_t ∗ h_{t-1}. Gate nonlinearities are left as separate ops for backends to fuse.
 *
 * <p>Body interface: inputs p_t [N, gates·H], the carries ([N, H]: h, and C for the LSTM) and
 * the recurrent weights; outputs the new carries and, when the layer returns sequences, h_t.
 */
public enum RecurrentCell {
    RNN("SimpleRNN", 1, 1),
    LSTM("LSTM", 4, 2),
    GRU("GRU", 3, 1);

    private final String type;
    private final int gates;
    private final int carries;

    RecurrentCell(String type, int gates, int carries) {
        this.type = type;
        this.gates = gates;
        this.carries = carries;
    }

    /** The name the summary shows. */
    public String type() { return type; }

    /** Stacked gate blocks per weight matrix (1, 4, 3). */
    public int gates() { return gates; }

    /** Carries threaded through time: h, and the cell state C for the LSTM. */
    public int carries() { return carries; }

    /**
     * The loop invariants made from the recurrent weight [gates·H, H]: the whole
     * matrix, or for the GRU the rows of z and r, and those of h̃.
     */
    List<Value> recurrentInvariants(GraphBuilder b, Value wRec, int units) {
        if (this != GRU) return List.of(wRec);
        return List.of(Slicing.slice(b, wRec, 0, 0, 2 * units), Slicing.slice(b, wRec, 0, 2 * units, units));
    }

    /**
     * The step body for {@code batch} samples of {@code units} hidden units.
     *
     * @param perStepOutput also output h_t per step (for layers that return sequences)
     */
    public Graph body(int batch, int units, boolean perStepOutput) {
        GraphBuilder b = new GraphBuilder(type.toLowerCase() + "_cell");
        Shape state = Shape.of(batch, units);
        Value p = b.input("p", Shape.of(batch, gates * units));
        Value h = b.input("h", state);
        Value next;
        switch (this) {
            case RNN -> {
                Value wRec = b.input("w_rec", Shape.of(units, units));
                next = b.tanh(b.add(p, b.matmul(h, wRec, false, true)));
                b.output("h", next);
            }
            case LSTM -> {
                Value c = b.input("c", state);
                Value wRec = b.input("w_rec", Shape.of(4 * units, units));
                Value z = b.add(p, b.matmul(h, wRec, false, true));
                Value f = b.sigmoid(gate(b, z, 0, units));
                Value i = b.sigmoid(gate(b, z, 1, units));
                Value candidate = b.tanh(gate(b, z, 2, units));
                Value o = b.sigmoid(gate(b, z, 3, units));
                Value cNext = b.add(b.mul(f, c), b.mul(i, candidate));
                next = b.mul(o, b.tanh(cNext));
                b.output("h", next);
                b.output("c", cNext);
            }
            case GRU -> {
                Value uZr = b.input("u_zr", Shape.of(2 * units, units));
                Value uH = b.input("u_h", Shape.of(units, units));
                Value zr = b.add(Slicing.slice(b, p, 1, 0, 2 * units), b.matmul(h, uZr, false, true));
                Value z = b.sigmoid(gate(b, zr, 0, units));
                Value r = b.sigmoid(gate(b, zr, 1, units));
                Value candidate = b.tanh(b.add(gate(b, p, 2, units), b.matmul(b.mul(r, h), uH, false, true)));
                next = b.add(h, b.mul(z, b.sub(candidate, h)));
                b.output("h", next);
            }
            default -> throw new IllegalStateException();
        }
        if (perStepOutput) b.output("y", next);
        return b.build();
    }

    /** Gate block {@code k} (columns k·H .. (k+1)·H − 1) of stacked pre-activations. */
    private static Value gate(GraphBuilder b, Value z, int k, int units) {
        return Slicing.slice(b, z, 1, k * units, units);
    }
}
