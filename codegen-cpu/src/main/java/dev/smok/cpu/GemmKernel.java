package dev.smok.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM, C[M,N] = op(A)[M,K] · op(B)[K,N], for one matmul node with constant
 * shapes. One instance is made per matmul at compile time and called from the generated schedule.
 *
 * <p>Algorithm (BLIS's loop nest, through the Vector API):
 * <ul>
 *   <li>Register blocking: an MR x NR microkernel, NR = NV vectors. AVX2 (16 registers): 6 rows x
 *       2 vectors of 8 floats, 12 accumulators (BLIS's and OpenBLAS's Haswell/Zen shape; see
 *       {@link #kernel6x2v} for how it stays out of memory). AVX-512 (32 registers): 6 rows x 4
 *       vectors of 16.</li>
 *   <li>Packing: per KC x NC block, B is packed into NR-wide panels (panel row kk at kk*NR);
 *       per MC x KC block, A is packed into MR-row panels (row r at r*kc). Both are zero
 *       padded at ragged edges, so the microkernel always runs a full tile with no bounds logic and
 *       reads each operand as one contiguous stream; trans_a and trans_b cost only the packing.
 *       When B is not transposed and M is small, each KC x NR panel of B is instead copied just
 *       before the microkernel uses it (into L1), so no block of B is written out to memory.</li>
 *   <li>Cache blocking: a KC x NR sliver of packed B (16 KiB) stays in L1 while the microkernel
 *       runs down the MC rows of packed A (MC x KC, 144 KiB, in L2); the packed KC x NC block
 *       of B lives in L3.</li>
 *   <li>Partial sums: between K blocks they are kept tile by tile in a per-part buffer (each
 *       MR x NR tile one contiguous run, the tiles of a column panel one after another), not in
 *       C, whose tile is MR rows on MR pages that the prefetcher does not follow. After the last
 *       K block each tile is copied to C. (Against C as the accumulator: 1.06x on 1024^3 and
 *       256x4096x4096, {@code bench/ab.sh} against a checkout of 5148466.)</li>
 *   <li>Ragged tiles: the buffer holds whole tiles (A and B are zero padded); with one K block
 *       the microkernel writes a ragged tile to a scratch tile whose valid rows and columns are
 *       copied to C.</li>
 *   <li>Matrix-vector products: with at most {@link #GEMV_MAX_M} rows and B not transposed (batch-1 inference)
 *       B is streamed front to back, 4 rows at a time, into a row of sums in L1; nothing is
 *       packed, and the product is cut over K (partial sums added in part order) from a smaller
 *       size on, since it is bound by reading B.</li>
 *   <li>Threads: the N range is cut into parts (or the M range when M > N, so that the operand
 *       every part packs again is the smaller one), one or two per thread (see
 *       {@link #REPACK_MIN_COLS}), claimed by whichever thread is free; small products stay on
 *       the calling thread.</li>
 *   <li>Epilogue: when the last K block of an MC x {@link #EPILOGUE_COLS} piece of C is done, the
 *       fused elementwise kernel that consumes C is applied to it while it is still in cache.</li>
 * </ul>
 * Steady-state calls allocate nothing: pack buffers are made once per instance.
 */
public final class GemmKernel implements WorkerPool.Task {
    static final VectorSpecies<Float> S = VectorMath.SPECIES;
    static final int L = S.length(), NV = L >= 16 ? 4 : 2, MR = 6, NR = NV * L;
    /** K block: a KC x NR sliver of packed B fits L1 (16 KiB with AVX2). */
    static final int KC = 256;
    /** M block (a multiple of MR): the packed MC x KC block of A fits L2 (144 KiB of 512). */
    static final int MC = 144;
    /** N block: the packed KC x NC block of B (4 MiB) stays in L3. */
    static final int NC = 4096;
    /** Columns of C the epilogue is applied to at once (a multiple of NR), so the piece is in L2. */
    static final int EPILOGUE_COLS = 256;
    /**
     * Below this many multiply-adds the product runs on one thread: waking a worker costs a few
     * microseconds on an idle machine and a scheduler quantum on a loaded one, more than a
     * batch-1 layer (784 x 512 = 0.4 M) takes.
     */
    static final long PARALLEL_MIN_WORK = 1L << 20;
    /**
     * A matrix-vector product is bound by reading B (from L3 for a 784 x 512 layer), so it is split
     * over the threads from this smaller size on: each core then streams half of B.
     */
    static final long GEMV_PARALLEL_MIN_WORK = 1L << 17;
    /**
     * A product is cut into twice as many parts as threads only when each part still spans this
     * many columns (or rows): packing A copies each element once (row by row with arraycopy unless A
     * is transposed), a part's product 16 FMAs per vector op,
     * so repacking A for a part of 512 columns costs about 3% of it.
     */
    static final int REPACK_MIN_COLS = 512;
    /**
     * Up to this many rows (with B not transposed) the product is a few matrix-vector products,
     * each streaming B once; from 4 rows on, one pass of the packed kernel (which reads B once for
     * 6 rows) is cheaper.
     */
    static final int GEMV_MAX_M = 3;
    /** Rows of B packed together into each panel (see {@link #packB}). */
    static final int PACK_ROWS = 8;
    /** B is packed per KC x NC block when transposed or when A has at least this many rows, else panel by panel. */
    static final int PACK_MIN_M = 24;

    final int m, n, k;
    final int aOff, ars, aks, bOff, bks, bns, cOff;
    /** Column j of B at offset bCols[j] within its row, or null: at j*bns. */
    private final int[] bCols;
    final boolean pack;
    /** Fewer rows than the microkernel's and B not transposed: matrix-vector products (see {@link #gemv}). */
    final boolean gemv;
    private final boolean splitN;
    private final int parts;
    /** Per part: packed A (MC x KC), packed B (KC x NC, or one KC x NR panel), a tile for ragged edges. */
    private final float[][] packA, packB, tiles;
    /**
     * Per part, when K has more than one block: C's partial sums between K blocks, tile by tile
     * (MR x NR tiles contiguous, a column panel's tiles one after another down the rows), so the
     * microkernel reads and writes one contiguous 384-byte run per tile, which the prefetcher
     * follows, instead of MR rows of C on MR pages. After the last K block each tile is copied to C.
     */
    private final float[][] sums;
    /** Per part of a matrix-vector product cut over K: its partial sums of C. */
    private final float[][] partials;
    private final WorkerPool pool;
    private Program epilogue;
    /** The fused kernel applied to finished pieces of C, or -1. Set before {@link #bind}. */
    int epilogueId = -1;
    /** An epilogue written in Java (a convolution's per-channel one), applied like the fused one; or null. */
    BlockEpilogue blockEpilogue;

    /** Work applied to a finished block of C, rows [i0, i1) and columns [j0, j1), while it is in cache. */
    interface BlockEpilogue {
        void apply(float[] a, int i0, int i1, int j0, int j1);
    }
    private float[] arena;

    /**
     * A product over arena offsets. A(i,k) lives at {@code aOff + i*ars + k*aks}, B(k,j) at
     * {@code bOff + k*bks + j*bns}, C(i,j) at {@code cOff + i*n + j}.
     */
    public GemmKernel(WorkerPool pool, int m, int n, int k, int aOff, int ars, int aks,
                      int bOff, int bks, int bns, int cOff) {
        this(pool, m, n, k, aOff, ars, aks, bOff, bks, bns, cOff, null);
    }

    /**
     * A product whose B columns are gathered: B(k,j) at {@code bOff + k*bks + bCols[j]} (a strided
     * 1×1 convolution reads every s-th pixel of every s-th row). Always packed; the gather is paid
     * once per element in the packing.
     */
    GemmKernel(WorkerPool pool, int m, int n, int k, int aOff, int ars, int aks, int bOff, int bks, int[] bCols, int cOff) {
        this(pool, m, n, k, aOff, ars, aks, bOff, bks, 0, cOff, bCols);
    }

    private GemmKernel(WorkerPool pool, int m, int n, int k, int aOff, int ars, int aks,
                       int bOff, int bks, int bns, int cOff, int[] bCols) {
        this.pool = pool;
        this.m = m; this.n = n; this.k = k;
        this.aOff = aOff; this.ars = ars; this.aks = aks;
        this.bOff = bOff; this.bks = bks; this.bns = bns; this.cOff = cOff;
        this.bCols = bCols;
        this.gemv = bCols == null && bns == 1 && m <= GEMV_MAX_M;
        this.pack = !gemv && (bns != 1 || m >= PACK_MIN_M);
        long work = (long) m * n * k;
        int threads = pool == null ? 1 : pool.threads();
        int nPanels = (n + NR - 1) / NR, mBlocks = (m + MR - 1) / MR;
        // Each part packs its own operands: cutting N packs A once per part, cutting M packs B once
        // per part, so the range of the larger operand's other dimension is cut when it has enough units.
        boolean preferN = !pack || m <= n;
        this.splitN = preferN ? nPanels >= threads || nPanels >= mBlocks : !(mBlocks >= threads || mBlocks >= nPanels);
        // Parts are claimed by whichever thread is free (see WorkerPool), so twice as many parts
        // as threads let the caller take over the work of a worker that did not get a core in time;
        // but each part repacks the other operand, so only when a part still has REPACK_MIN_COLS.
        int units = splitN ? nPanels : mBlocks, unitsPerPart = splitN ? REPACK_MIN_COLS / NR : REPACK_MIN_COLS / MR;
        int wanted = gemv || units >= threads * 2 * unitsPerPart ? threads * 2 : threads;
        if (gemv) units = (k + 3) / 4;
        this.parts = work < (gemv ? GEMV_PARALLEL_MIN_WORK : PARALLEL_MIN_WORK) || threads == 1 ? 1 : Math.max(1, Math.min(wanted, units));
        this.packA = new float[parts][];
        this.packB = new float[parts][];
        this.tiles = new float[parts][];
        this.sums = new float[parts][];
        this.partials = new float[gemv && parts > 1 ? parts : 0][];
        for (int p = 0; p < partials.length; p++) partials[p] = new float[m * n];
        if (!gemv) {
            int kc = Math.min(KC, k);
            for (int p = 0; p < parts; p++) {
                int rows = splitN ? m : partSize(m, MR, p, parts), cols = splitN ? partSize(n, NR, p, parts) : n;
                packA[p] = new float[Math.min(MC, roundUp(rows, MR)) * kc];
                packB[p] = new float[kc * (pack ? Math.min(NC, roundUp(cols, NR)) : NR)];
                tiles[p] = new float[MR * NR];
                if (k > KC) sums[p] = new float[roundUp(rows, MR) * Math.min(NC, roundUp(cols, NR))];
            }
        }
    }

    /** Connects the epilogue (if any) to the generated program that holds it. */
    void bind(Program program) {
        if (epilogueId >= 0) this.epilogue = program;
    }

    /** Computes C (and its epilogue) over {@code a}. */
    public void run(float[] a) {
        if (gemv) {
            gemv(a);
        } else if (parts == 1) {
            compute(a, 0, m, 0, n, 0);
        } else {
            arena = a;
            pool.run(this, parts);
            arena = null;
        }
    }

    @Override public void run(int part, int nParts) {
        if (gemv) {
            int units = (k + 3) / 4;
            int k0 = Math.min(units * part / nParts * 4, k), k1 = Math.min(units * (part + 1) / nParts * 4, k);
            gemvRange(arena, k0, k1, partials[part], 0);
            return;
        }
        int total = splitN ? n : m, unit = splitN ? NR : MR;
        int units = (total + unit - 1) / unit;
        int from = Math.min((int) ((long) units * part / nParts) * unit, total);
        int to = Math.min((int) ((long) units * (part + 1) / nParts) * unit, total);
        if (splitN) compute(arena, 0, m, from, to, part);
        else compute(arena, from, to, 0, n, part);
    }

    private static int partSize(int total, int unit, int part, int parts) {
        int units = (total + unit - 1) / unit;
        int from = Math.min((int) ((long) units * part / parts) * unit, total);
        int to = Math.min((int) ((long) units * (part + 1) / parts) * unit, total);
        return to - from;
    }

    private static int roundUp(int x, int u) { return (x + u - 1) / u * u; }

    // ---- blocked loop nest ---------------------------------------------------------------------

    private void compute(float[] a, int m0, int m1, int n0, int n1, int part) {
        float[] pa = packA[part], pb = packB[part], tile = tiles[part], acc = sums[part];
        int mTiles = (m1 - m0 + MR - 1) / MR;
        for (int jc = n0; jc < n1; jc += NC) {
            int nc1 = Math.min(jc + NC, n1);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean first = pc == 0, last = pc + kc == k;
                if (pack) packB(a, pb, pc, kc, jc, nc1);
                for (int ic = m0; ic < m1; ic += MC) {
                    int mc1 = Math.min(ic + MC, m1);
                    packA(a, pa, ic, mc1, pc, kc);
                    for (int jg = jc; jg < nc1; jg += EPILOGUE_COLS) {
                        int jg1 = Math.min(jg + EPILOGUE_COLS, nc1);
                        for (int jr = jg; jr < jg1; jr += NR) {
                            int nr = Math.min(NR, jg1 - jr);
                            int bp = (jr - jc) * kc;
                            if (!pack) {
                                packB(a, pb, pc, kc, jr, jr + nr); // this panel only, while it is in L1
                                bp = 0;
                            }
                            // the partial sums of this column panel's tiles, one after another down the rows
                            int tp = ((jr - jc) / NR * mTiles + (ic - m0) / MR) * (MR * NR);
                            for (int ir = ic; ir < mc1; ir += MR, tp += MR * NR) {
                                int mr = Math.min(MR, mc1 - ir), ap = (ir - ic) * kc, cp = cOff + ir * n + jr;
                                if (first && last && mr == MR && nr == NR) {
                                    microkernel(pa, ap, pb, bp, kc, a, cp, n, true);
                                } else if (first && last) {
                                    microkernel(pa, ap, pb, bp, kc, tile, 0, NR, true);
                                    copyTile(tile, 0, a, cp, n, mr, nr);
                                } else {
                                    microkernel(pa, ap, pb, bp, kc, acc, tp, NR, first);
                                    if (last) copyTile(acc, tp, a, cp, n, mr, nr);
                                }
                            }
                        }
                        if (last && epilogue != null) epilogue.fused(epilogueId, a, ic, mc1, jg, jg1);
                        if (last && blockEpilogue != null) blockEpilogue.apply(a, ic, mc1, jg, jg1);
                    }
                }
            }
        }
    }

    private static void microkernel(float[] pa, int ap, float[] pb, int bp, int kc, float[] c, int cp, int ldc, boolean first) {
        if (NV == 4) kernel6x4v(pa, ap, pb, bp, kc, c, cp, ldc, first);
        else kernel6x2v(pa, ap, pb, bp, kc, c, cp, ldc, first);
    }

    /** C[cp.., mr x nr] = the first mr rows and nr columns of the MR x NR tile at tile[tp..]. */
    private static void copyTile(float[] tile, int tp, float[] c, int cp, int ldc, int mr, int nr) {
        if (nr == NR) {
            for (int r = 0; r < mr; r++, tp += NR, cp += ldc) {
                for (int v = 0; v < NV; v++) FloatVector.fromArray(S, tile, tp + v * L).intoArray(c, cp + v * L);
            }
        } else {
            for (int r = 0; r < mr; r++) System.arraycopy(tile, tp + r * NR, c, cp + r * ldc, nr);
        }
    }

    /**
     * C = A · B for few rows and B not transposed (batch-1 dense layers), bound by reading B: each
     * part takes a range of K and streams its rows of B front to back, 4 rows at a time, adding
     * them into a row of partial sums that stays in L1; the caller then adds the parts' partial
     * sums in part order (so the result does not depend on which thread ran which part) and runs
     * the epilogue. With one part the sums go straight into C.
     */
    private void gemv(float[] a) {
        if (parts == 1) {
            gemvRange(a, 0, k, a, cOff);
        } else {
            arena = a;
            pool.run(this, parts);
            arena = null;
            int size = m * n, i = 0;
            for (int end = S.loopBound(size); i < end; i += L) {
                FloatVector s = FloatVector.fromArray(S, partials[0], i);
                for (int p = 1; p < parts; p++) s = s.add(FloatVector.fromArray(S, partials[p], i));
                s.intoArray(a, cOff + i);
            }
            for (; i < size; i++) {
                float s = partials[0][i];
                for (int p = 1; p < parts; p++) s += partials[p][i];
                a[cOff + i] = s;
            }
        }
        if (epilogue != null) epilogue.fused(epilogueId, a, 0, m, 0, n);
        if (blockEpilogue != null) blockEpilogue.apply(a, 0, m, 0, n);
    }

    /** dst[dp + i*n + j] = sum over kk in [k0, k1) of A(i, kk) · B(kk, j), for every row i of C. */
    private void gemvRange(float[] a, int k0, int k1, float[] dst, int dp) {
        for (int i = 0; i < m; i++) {
            int cp = dp + i * n, ap = aOff + i * ars;
            if (n <= 2 * L) { // a narrow C (a classifier's logits): its sums fit two registers
                gemvMasked(a, ap + k0 * aks, aks, bOff + k0 * bks, bks, k1 - k0, dst, cp, n);
                continue;
            }
            java.util.Arrays.fill(dst, cp, cp + n, 0f);
            int kk = k0;
            for (; kk + 4 <= k1; kk += 4) {
                int x = ap + kk * aks;
                axpy4(dst, cp, n, a[x], a[x + aks], a[x + 2 * aks], a[x + 3 * aks], a, bOff + kk * bks, bks);
            }
            for (; kk < k1; kk++) axpy1(dst, cp, n, a[ap + kk * aks], a, bOff + kk * bks);
        }
    }

    /** c[cp..cp+n) += x0·b[bp..] + x1·b[bp+bs..] + x2·b[bp+2bs..] + x3·b[bp+3bs..], in that order. */
    static void axpy4(float[] c, int cp, int n, float x0, float x1, float x2, float x3, float[] b, int bp, int bs) {
        FloatVector v0 = FloatVector.broadcast(S, x0), v1 = FloatVector.broadcast(S, x1);
        FloatVector v2 = FloatVector.broadcast(S, x2), v3 = FloatVector.broadcast(S, x3);
        int b1 = bp + bs, b2 = bp + 2 * bs, b3 = bp + 3 * bs;
        int j = 0;
        for (int end = S.loopBound(n); j < end; j += L) {
            FloatVector acc = FloatVector.fromArray(S, c, cp + j);
            acc = v0.fma(FloatVector.fromArray(S, b, bp + j), acc);
            acc = v1.fma(FloatVector.fromArray(S, b, b1 + j), acc);
            acc = v2.fma(FloatVector.fromArray(S, b, b2 + j), acc);
            acc = v3.fma(FloatVector.fromArray(S, b, b3 + j), acc);
            acc.intoArray(c, cp + j);
        }
        for (; j < n; j++) {
            c[cp + j] = Math.fma(x3, b[b3 + j], Math.fma(x2, b[b2 + j], Math.fma(x1, b[b1 + j], Math.fma(x0, b[bp + j], c[cp + j]))));
        }
    }

    /**
     * c[cp..cp+nr) = A row · B[0..k, nr <= 2L columns], masked so nothing past column nr is read or
     * written. Two sums only: with four pairs (eight masked loads per step) C2 sometimes left part
     * of the Vector API calls un-inlined, and the batch-1 MLP ran at twice its time in the Java fallback.
     */
    static void gemvMasked(float[] a, int ap, int aks, int bp, int bks, int k, float[] c, int cp, int nr) {
        VectorMask<Float> m0 = S.indexInRange(0, nr), m1 = S.indexInRange(L, nr);
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int kk = 0; kk < k; kk++, ap += aks, bp += bks) {
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c0 = x.fma(FloatVector.fromArray(S, a, bp, m0), c0);
            c1 = x.fma(FloatVector.fromArray(S, a, bp + L, m1), c1);
        }
        c0.intoArray(c, cp, m0);
        c1.intoArray(c, cp + L, m1);
    }

    /** c[cp..cp+n) += x·b[bp..bp+n). */
    static void axpy1(float[] c, int cp, int n, float x, float[] b, int bp) {
        FloatVector v = FloatVector.broadcast(S, x);
        int j = 0;
        for (int end = S.loopBound(n); j < end; j += L) {
            v.fma(FloatVector.fromArray(S, b, bp + j), FloatVector.fromArray(S, c, cp + j)).intoArray(c, cp + j);
        }
        for (; j < n; j++) c[cp + j] = Math.fma(x, b[bp + j], c[cp + j]);
    }

    /**
     * Packs A(ic..mc1, pc..pc+kc) into MR-row panels, each row contiguous: panel p, row r, column kk
     * at p*MR*kc + r*kc + kk; rows past mc1 are zero.
     */
    private void packA(float[] a, float[] pa, int ic, int mc1, int pc, int kc) {
        for (int ir = ic; ir < mc1; ir += MR) {
            int panel = (ir - ic) * kc, mr = Math.min(MR, mc1 - ir);
            int src = aOff + ir * ars + pc * aks;
            if (aks == 1) {
                for (int r = 0; r < mr; r++) System.arraycopy(a, src + r * ars, pa, panel + r * kc, kc);
            } else { // A transposed: a column of the stored matrix is a row of the panel
                for (int kk = 0; kk < kc; kk++) {
                    int s = src + kk * aks, d = panel + kk;
                    for (int r = 0; r < mr; r++) pa[d + r * kc] = a[s + r * ars];
                }
            }
            java.util.Arrays.fill(pa, panel + mr * kc, panel + MR * kc, 0f);
        }
    }

    /** Packs B(kc0..kc0+kc, nc0..nc1) into NR-wide panels: panel p, row kk at p*kc*NR + kk*NR; columns past nc1 are zero. */
    private void packB(float[] a, float[] pk, int kc0, int kc, int nc0, int nc1) {
        if (bCols != null) {
            for (int j = nc0; j < nc1; j += NR) {
                int nr = Math.min(NR, nc1 - j), panel = (j - nc0) * kc;
                for (int kk = 0; kk < kc; kk++) {
                    int row = bOff + (kc0 + kk) * bks, dst = panel + kk * NR;
                    for (int jj = 0; jj < nr; jj++) pk[dst + jj] = a[row + bCols[j + jj]];
                    for (int jj = nr; jj < NR; jj++) pk[dst + jj] = 0f;
                }
            }
        } else if (bns == 1) {
            // PACK_ROWS rows at a time, panel by panel: the reads are PACK_ROWS streams along rows of
            // B, and each panel receives PACK_ROWS whole rows (whole cache lines) at once. (Panel by
            // panel over all kc rows reads kc streams a row apart; row by row writes every panel's
            // row one by one: both thrash L1 when the row or panel stride is a multiple of 4 KiB.)
            int full = nc0 + (nc1 - nc0) / NR * NR;
            for (int k0 = 0; k0 < kc; k0 += PACK_ROWS) {
                int k1 = Math.min(k0 + PACK_ROWS, kc), row0 = bOff + (kc0 + k0) * bks;
                for (int j = nc0; j < full; j += NR) {
                    int dst = (j - nc0) * kc + k0 * NR;
                    for (int src = row0 + j, kk = k0; kk < k1; kk++, src += bks, dst += NR) {
                        FloatVector.fromArray(S, a, src).intoArray(pk, dst);
                        FloatVector.fromArray(S, a, src + L).intoArray(pk, dst + L);
                        if (NV == 4) {
                            FloatVector.fromArray(S, a, src + 2 * L).intoArray(pk, dst + 2 * L);
                            FloatVector.fromArray(S, a, src + 3 * L).intoArray(pk, dst + 3 * L);
                        }
                    }
                }
                if (full < nc1) {
                    // scalar: masked vector loads here allocated (Java fallback) when C2 did not inline them
                    int dst = (full - nc0) * kc + k0 * NR;
                    for (int src = row0, kk = k0; kk < k1; kk++, src += bks, dst += NR) {
                        for (int jj = full; jj < nc1; jj++) pk[dst + jj - full] = a[src + jj];
                        for (int jj = nc1 - full; jj < NR; jj++) pk[dst + jj] = 0f;
                    }
                }
            }
        } else {
            // B(k, j) = a[bOff + k*bks + j*bns]; rows of the stored matrix are contiguous in k.
            for (int j = nc0; j < nc1; j += NR) {
                int nr = Math.min(NR, nc1 - j);
                int panel = (j - nc0) * kc;
                for (int jj = 0; jj < NR; jj++) {
                    if (jj < nr) {
                        int src = bOff + kc0 * bks + (j + jj) * bns;
                        for (int kk = 0; kk < kc; kk++) pk[panel + kk * NR + jj] = a[src + kk * bks];
                    } else {
                        for (int kk = 0; kk < kc; kk++) pk[panel + kk * NR + jj] = 0f;
                    }
                }
            }
        }
    }

    /** The AVX-512 microkernel: C[6,4L] (+)= A[6,kc] · B[kc,4L]; operands as for {@link #kernel6x2v}. */
    static void kernel6x4v(float[] pa, int ap, float[] b, int bp, int kc,
                           float[] c, int cp, int ldc, boolean first) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        if (!first) {
            int p0 = cp, p1 = cp + ldc, p2 = cp + 2 * ldc, p3 = cp + 3 * ldc, p4 = cp + 4 * ldc, p5 = cp + 5 * ldc;
            c00 = FloatVector.fromArray(S, c, p0); c01 = FloatVector.fromArray(S, c, p0 + L);
            c02 = FloatVector.fromArray(S, c, p0 + 2 * L); c03 = FloatVector.fromArray(S, c, p0 + 3 * L);
            c10 = FloatVector.fromArray(S, c, p1); c11 = FloatVector.fromArray(S, c, p1 + L);
            c12 = FloatVector.fromArray(S, c, p1 + 2 * L); c13 = FloatVector.fromArray(S, c, p1 + 3 * L);
            c20 = FloatVector.fromArray(S, c, p2); c21 = FloatVector.fromArray(S, c, p2 + L);
            c22 = FloatVector.fromArray(S, c, p2 + 2 * L); c23 = FloatVector.fromArray(S, c, p2 + 3 * L);
            c30 = FloatVector.fromArray(S, c, p3); c31 = FloatVector.fromArray(S, c, p3 + L);
            c32 = FloatVector.fromArray(S, c, p3 + 2 * L); c33 = FloatVector.fromArray(S, c, p3 + 3 * L);
            c40 = FloatVector.fromArray(S, c, p4); c41 = FloatVector.fromArray(S, c, p4 + L);
            c42 = FloatVector.fromArray(S, c, p4 + 2 * L); c43 = FloatVector.fromArray(S, c, p4 + 3 * L);
            c50 = FloatVector.fromArray(S, c, p5); c51 = FloatVector.fromArray(S, c, p5 + L);
            c52 = FloatVector.fromArray(S, c, p5 + 2 * L); c53 = FloatVector.fromArray(S, c, p5 + 3 * L);
        }
        int a0 = ap, a1 = ap + kc, a2 = ap + 2 * kc, a3 = ap + 3 * kc, a4 = ap + 4 * kc, a5 = ap + 5 * kc;
        for (int kk = 0; kk < kc; kk++) {
            int pB = bp + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, pB);
            FloatVector b1 = FloatVector.fromArray(S, b, pB + L);
            FloatVector b2 = FloatVector.fromArray(S, b, pB + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, pB + 3 * L);
            FloatVector x = FloatVector.broadcast(S, pa[a0 + kk]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, pa[a1 + kk]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, pa[a2 + kk]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, pa[a3 + kk]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, pa[a4 + kk]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, pa[a5 + kk]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        store4(c, cp, c00, c01, c02, c03);
        store4(c, cp + ldc, c10, c11, c12, c13);
        store4(c, cp + 2 * ldc, c20, c21, c22, c23);
        store4(c, cp + 3 * ldc, c30, c31, c32, c33);
        store4(c, cp + 4 * ldc, c40, c41, c42, c43);
        store4(c, cp + 5 * ldc, c50, c51, c52, c53);
    }

    /**
     * The AVX2 microkernel: C[6,2L] (+)= A[6,kc] · B[kc,2L], C's rows {@code ldc} apart from cp;
     * A packed row by row (row r at ap + r*kc), B packed (row kk at bp + kk*NR). 12
     * accumulators, 2 B vectors and 2 broadcasts are AVX2's 16 registers. Reading the 6 rows of A
     * as 6 streams makes C2 load the broadcasts two at a time; with the rows interleaved (column kk at ap + 6kk) it loads three ahead and keeps one
     * accumulator in memory, which halves the speed (check with {@code scripts/jit-loop.py}).
     */
    static void kernel6x2v(float[] pa, int ap, float[] b, int bp, int kc,
                           float[] c, int cp, int ldc, boolean first) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        if (!first) { // the partial sums of the earlier K blocks
            c00 = FloatVector.fromArray(S, c, cp); c01 = FloatVector.fromArray(S, c, cp + L);
            c10 = FloatVector.fromArray(S, c, cp + ldc); c11 = FloatVector.fromArray(S, c, cp + ldc + L);
            c20 = FloatVector.fromArray(S, c, cp + 2 * ldc); c21 = FloatVector.fromArray(S, c, cp + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cp + 3 * ldc); c31 = FloatVector.fromArray(S, c, cp + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, cp + 4 * ldc); c41 = FloatVector.fromArray(S, c, cp + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, cp + 5 * ldc); c51 = FloatVector.fromArray(S, c, cp + 5 * ldc + L);
        }
        int a0 = ap, a1 = ap + kc, a2 = ap + 2 * kc, a3 = ap + 3 * kc, a4 = ap + 4 * kc, a5 = ap + 5 * kc;
        for (int kk = 0; kk < kc; kk++) {
            int pB = bp + kk * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, pB);
            FloatVector b1 = FloatVector.fromArray(S, b, pB + L);
            FloatVector x = FloatVector.broadcast(S, pa[a0 + kk]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, pa[a1 + kk]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, pa[a2 + kk]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, pa[a3 + kk]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, pa[a4 + kk]);
            c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, pa[a5 + kk]);
            c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
        }
        c00.intoArray(c, cp); c01.intoArray(c, cp + L);
        c10.intoArray(c, cp + ldc); c11.intoArray(c, cp + ldc + L);
        c20.intoArray(c, cp + 2 * ldc); c21.intoArray(c, cp + 2 * ldc + L);
        c30.intoArray(c, cp + 3 * ldc); c31.intoArray(c, cp + 3 * ldc + L);
        c40.intoArray(c, cp + 4 * ldc); c41.intoArray(c, cp + 4 * ldc + L);
        c50.intoArray(c, cp + 5 * ldc); c51.intoArray(c, cp + 5 * ldc + L);
    }

    private static void store4(float[] c, int p, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(c, p);
        v1.intoArray(c, p + L);
        v2.intoArray(c, p + 2 * L);
        v3.intoArray(c, p + 3 * L);
    }
}
