package dev.smok.gpu;

import static dev.smok.gpu.KernelIr.*;

import dev.smok.gpu.KernelIr.Barrier;
import dev.smok.gpu.KernelIr.Expr;
import dev.smok.gpu.KernelIr.Fma;
import dev.smok.gpu.KernelIr.LoadLocal;
import dev.smok.gpu.KernelIr.LoadLocal4;
import dev.smok.gpu.KernelIr.Special;
import dev.smok.gpu.KernelIr.StoreLocal;
import dev.smok.gpu.KernelIr.Var;

import java.util.List;

/**
 * The tiled matrix-product core shared by matmul and the convolutions (which are implicit
 * GEMMs: their operands are index maps over images, never materialized im2col buffers).
 *
 * <p>Algorithm: C[m,n] = Σ_k A(m,k)·B(k,n). A work-group of threadsY x threadsX threads owns a
 * tileM x tileN block of C, perY x perX outputs per thread. It walks K in steps of tk: all
 * threads cooperatively copy a tk x tileM panel of A and a tk x tileN panel of B into local
 * (shared) memory, each operand read along its contiguous axis ({@link Operand#alongK}), then
 * every thread does tk rank-1 updates of its register block. Ragged edges read clamped
 * addresses and store zeros, so the inner loop has no branch. With {@code splits > 1} (split-K,
 * for long K and few output tiles, as in weight gradients) each work-group of grid row
 * {@code split * tilesM + tile} sums one K chunk into a scratch buffer and a second kernel adds
 * the chunks and applies the epilogue.
 */
final class TiledGemm {
    private TiledGemm() {}

    /**
     * Blocking: a threadsY x threadsX work-group computes a tileM x tileN block of C, perY x perX
     * outputs per thread (tileM = threadsY * perY, tileN = threadsX * perX), stepping K by tk.
     */
    record Tiling(int threadsX, int threadsY, int perX, int perY, int tk) {
        int tileM() { return threadsY * perY; }
        int tileN() { return threadsX * perX; }
        int threads() { return threadsX * threadsY; }
    }

    /** 32x32 tiles, 2x2 per thread: small products, where bigger tiles would leave most of a GPU idle. */
    static final Tiling TINY = new Tiling(16, 16, 2, 2, 16);
    /** 64x64 tiles, 4x4 per thread. */
    static final Tiling SMALL = new Tiling(16, 16, 4, 4, 16);
    /** 128x128 tiles, 8x8 per thread, K steps of 16 (best of the sweep in gpu/results/h200-run2-tilings.log). */
    static final Tiling LARGE = new Tiling(16, 16, 8, 8, 16);
    /** 8x128 and 16x128 tiles: for products with few rows (convolutions with few channels). */
    static final Tiling NARROW8 = new Tiling(32, 8, 4, 1, 16);
    static final Tiling NARROW16 = new Tiling(32, 8, 4, 2, 16);

    /**
     * Work-groups a product should at least give a GPU: an H100/H200 has 132 SMs, and a grid
     * smaller than that leaves SMs idle whatever the tile's efficiency.
     */
    static final int MIN_GROUPS = 128;

    /**
     * The tiling matmul uses: the largest whose grid still has {@link #MIN_GROUPS} work-groups
     * (TINY if none). The system property {@code smok.gpu.gemmTiling=THREADSxPERxTK} (e.g.
     * {@code 16x8x16}) overrides the choice for products of at least 256x256, for tuning runs such
     * as the GEMM sweep in {@code gpu/run-on-h100.sh}.
     */
    static Tiling forMatmul(int m, int n) {
        String forced = System.getProperty("smok.gpu.gemmTiling");
        if (forced != null && m >= 256 && n >= 256) {
            String[] t = forced.split("x");
            int threads = Integer.parseInt(t[0]), per = Integer.parseInt(t[1]), tk = Integer.parseInt(t[2]);
            return new Tiling(threads, threads, per, per, tk);
        }
        for (Tiling t : new Tiling[] {LARGE, SMALL}) {
            if ((long) GraphLowering.ceilDiv(m, t.tileM()) * GraphLowering.ceilDiv(n, t.tileN()) >= MIN_GROUPS) return t;
        }
        return TINY;
    }

    /** The tiling the convolutions use: narrow tiles when the output has few rows (channels). */
    static Tiling forConv(int m, int n) { return m <= 8 ? NARROW8 : m <= 16 ? NARROW16 : forMatmul(m, n); }

    /** One GEMM operand as a function of its (row or column, k) coordinates. */
    interface Operand {
        /** Whether consecutive k are adjacent in memory; panels are then loaded k-fastest. */
        boolean alongK();

        /**
         * The element at ({@code mn}, {@code k}), both within the matrix (clamped by the core),
         * computed in {@code b}. Must not read out of bounds.
         */
        Expr at(KernelBuilder.Body b, Expr mn, Expr k);
    }

    /** Writes C(row, col) = {@code acc}; called only for row < m and col < n. */
    interface Epilogue {
        void store(KernelBuilder.Body b, Expr row, Expr col, Expr acc);
    }

    /**
     * Emits the kernel(s) computing C = A·B, m x n x k, and hands each element to {@code out}.
     *
     * @param what   kernel name suffix
     * @param splits number of K chunks (1: no split-K)
     */
    static void emit(GraphLowering l, String what, int m, int n, int k, Tiling t, int splits,
                     Operand a, Operand b, Epilogue out) {
        int tk = t.tk(), chunk = roundUp(GraphLowering.ceilDiv(k, splits), tk);
        splits = GraphLowering.ceilDiv(k, chunk);
        int tilesM = GraphLowering.ceilDiv(m, t.tileM()), tilesN = GraphLowering.ceilDiv(n, t.tileN());
        int partial = splits > 1 ? l.scratchSlot(splits * m * n) : -1;
        KernelBuilder kb = new KernelBuilder();
        var body = kb.body;
        String sa = kb.local("tileA", tk * t.tileM()), sb = kb.local("tileB", tk * t.tileN());
        Expr tx = body.tmp(thread(Special.LOCAL_X)), ty = body.tmp(thread(Special.LOCAL_Y));
        Expr tid = body.tmp(add(mul(ty, i(t.threadsX())), tx));
        Expr gy = body.tmp(thread(Special.GROUP_Y));
        Expr split = splits > 1 ? body.tmp(div(gy, i(tilesM))) : i(0);
        Expr row0 = body.tmp(mul(splits > 1 ? rem(gy, i(tilesM)) : gy, i(t.tileM())));
        Expr col0 = body.tmp(mul(thread(Special.GROUP_X), i(t.tileN())));
        // without split-K the K loop has constant bounds, as every shape here is a constant
        Expr kBegin = splits > 1 ? body.tmp(mul(split, i(chunk))) : i(0);
        Expr kEnd = splits > 1 ? body.tmp(min(add(kBegin, i(chunk)), i(k))) : i(k);
        Var[][] acc = new Var[t.perY()][t.perX()];
        for (int r = 0; r < t.perY(); r++) for (int c = 0; c < t.perX(); c++) acc[r][c] = body.var("acc" + r + "_" + c, f(0));
        Var kt = ivar("kt");
        var loop = body.loop(kt, kBegin, kEnd, tk);
        loadPanel(loop, t, tid, kt, kEnd, row0, m, k, t.tileM(), sa, a);
        loadPanel(loop, t, tid, kt, kEnd, col0, n, k, t.tileN(), sb, b);
        loop.add(new Barrier());
        // Thread (tx, ty) owns rows own(ty, r) and columns own(tx, c) of the tile. Where 4 divides
        // the per-thread count they come in runs of four, read from local memory as one 128-bit
        // load (for A a broadcast within a warp, for B consecutive 16-byte words: no bank
        // conflicts), a quarter of the shared-memory instructions; otherwise strided scalars.
        Var[] av = new Var[t.perY()], bv = new Var[t.perX()];
        for (int r = 0; r < t.perY(); r++) av[r] = body.var("a" + r, f(0));
        for (int c = 0; c < t.perX(); c++) bv[c] = body.var("b" + c, f(0));
        for (int kk = 0; kk < tk; kk++) {
            readRegisters(loop, sa, kk * t.tileM(), ty, t.threadsY(), av);
            readRegisters(loop, sb, kk * t.tileN(), tx, t.threadsX(), bv);
            for (int r = 0; r < t.perY(); r++) {
                for (int c = 0; c < t.perX(); c++) loop.set(acc[r][c], new Fma(av[r], bv[c], acc[r][c]));
            }
        }
        loop.add(new Barrier());
        for (int r = 0; r < t.perY(); r++) {
            Expr row = body.tmp(add(row0, own(ty, t.threadsY(), t.perY(), r)));
            for (int c = 0; c < t.perX(); c++) {
                Expr col = body.tmp(add(col0, own(tx, t.threadsX(), t.perX(), c)));
                var in = body.when(and(lt(row, i(m)), lt(col, i(n))));
                if (splits > 1) in.store(partial, add(mul(split, i(m * n)), add(mul(row, i(n)), col)), acc[r][c]);
                else out.store(in, row, col, acc[r][c]);
            }
        }
        l.finish(kb, what + (splits > 1 ? "_split" + splits : ""), tilesN, tilesM * splits, t.threadsX(), t.threadsY());
        if (splits > 1) sumSplits(l, what, m, n, splits, partial, out);
    }

    /** Offset within the tile of the j-th of the {@code per} rows (or columns) owned by thread coordinate {@code t}. */
    private static Expr own(Expr t, int threads, int per, int j) {
        return per % 4 == 0 ? add(mul(t, i(4)), i(j / 4 * threads * 4 + j % 4)) : add(t, i(j * threads));
    }

    /** Loads this thread's operands of one k step (panel row at {@code rowStart}) into {@code regs}. */
    private static void readRegisters(KernelBuilder.Body loop, String panel, int rowStart, Expr t, int threads, Var[] regs) {
        int per = regs.length;
        if (per % 4 == 0) {
            for (int g = 0; g < per / 4; g++) {
                loop.add(new LoadLocal4(panel, add(mul(t, i(4)), i(rowStart + g * threads * 4)), List.of(regs).subList(4 * g, 4 * g + 4)));
            }
        } else {
            for (int j = 0; j < per; j++) loop.set(regs[j], new LoadLocal(panel, add(t, i(rowStart + j * threads))));
        }
    }

    /**
     * Copies the tk x tile panel of an operand starting at (base, kt) into local array {@code s}
     * (laid out [k][tile]); elements past {@code extent} or {@code kEnd} become zero.
     */
    private static void loadPanel(KernelBuilder.Body loop, Tiling t, Expr tid, Expr kt, Expr kEnd,
                                  Expr base, int extent, int k, int tile, String s, Operand op) {
        int tk = t.tk(), panel = tk * tile, threads = t.threads();
        for (int e = 0; e * threads < panel; e++) {
            Expr idx = loop.tmp(add(tid, i(e * threads)));
            var at = (e + 1) * threads > panel ? loop.when(lt(idx, i(panel))) : loop;
            Expr mi = at.tmp(op.alongK() ? div(idx, i(tk)) : rem(idx, i(tile)));
            Expr ki = at.tmp(op.alongK() ? rem(idx, i(tk)) : div(idx, i(tile)));
            Expr g = at.tmp(add(base, mi)), gk = at.tmp(add(kt, ki));
            Expr v = op.at(at, at.tmp(min(g, i(extent - 1))), at.tmp(min(gk, i(k - 1))));
            at.add(new StoreLocal(s, add(mul(ki, i(tile)), mi), select(and(lt(g, i(extent)), lt(gk, kEnd)), v, f(0))));
        }
    }

    /** The split-K reduction: C(row, col) = Σ over chunks, one thread per element, then the epilogue. */
    private static void sumSplits(GraphLowering l, String what, int m, int n, int splits, int partial, Epilogue out) {
        KernelBuilder kb = new KernelBuilder();
        var b = kb.body;
        Expr gid = b.tmp(add(mul(thread(Special.GROUP_X), i(GraphLowering.BLOCK)), thread(Special.LOCAL_X)));
        var in = b.when(lt(gid, i(m * n)));
        Var sum = in.var("sum", f(0));
        Var s = ivar("s");
        var loop = in.loop(s, i(0), i(splits), 1);
        loop.set(sum, add(sum, load(kb.param(partial), add(mul(s, i(m * n)), gid))));
        out.store(in, in.tmp(div(gid, i(n))), in.tmp(rem(gid, i(n))), sum);
        l.finish(kb, what + "_sum", GraphLowering.ceilDiv(m * n, GraphLowering.BLOCK), 1, GraphLowering.BLOCK, 1);
    }

    static int roundUp(int x, int to) { return GraphLowering.ceilDiv(x, to) * to; }
}
