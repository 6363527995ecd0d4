package dev.smok.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM, C[M,N] = op(A)[M,K] · op(B)[K,N], for one matmul node with constant
 * shapes. One instance is made per matmul at compile time and called from the generated schedule.
 *
 * <p>Algorithm (BLIS-style, specialised for AVX-512 through the Vector API):
 * <ul>
 *   <li>Register blocking: a 6-row microkernel over NV vectors of B: with AVX-512 (32 registers)
 *       6 x 4 vectors of 16 floats, 24 accumulators and 24 FMAs per k step; with AVX2 (16
 *       registers) 6 x 2 vectors of 8 floats, 12 accumulators. NR = NV * lanes columns.</li>
 *   <li>A is read in place through a (row stride, k stride) pair, so trans_a costs nothing.</li>
 *   <li>B is packed per (KC x NC) block into NR-wide panels, zero padded at the ragged edge;
 *       trans_b is handled by the packing. When B is not transposed and M is small (inference),
 *       B is read in place instead, because packing would cost as much as the product.</li>
 *   <li>Cache blocking: KC = 256 rows of B; a 6 x KC sliver of A stays in L1 while it sweeps the
 *       packed KC x NC block of B, which stays in L2 (NC = 256 columns with AVX2, 256 KiB;
 *       512 with AVX-512); C accumulates across K blocks.</li>
 *   <li>Matrix-vector products: with fewer than 6 rows and B not transposed (batch-1 inference)
 *       each row of C is summed over all of K in registers, 64 columns at a time, while B streams
 *       from memory row after row; nothing is packed, and the product is split over the threads
 *       from a smaller size on, since it is bound by reading B.</li>
 *   <li>Ragged edges: rows left over after blocks of 6 run a 1-row kernel; columns left over after
 *       blocks of NR use masked loads and stores.</li>
 *   <li>Threads: the N range is cut into two parts per thread (for narrow C, the M range into one
 *       per thread), claimed by whichever thread is free; small products stay on the calling
 *       thread.</li>
 *   <li>Epilogue: when the last K block of a 6-row stripe is done, the fused elementwise kernel
 *       that consumes C is applied to that stripe while it is still in cache.</li>
 * </ul>
 * Steady-state calls allocate nothing: pack buffers are made once per instance.
 */
public final class GemmKernel implements WorkerPool.Task {
    static final VectorSpecies<Float> S = VectorMath.SPECIES;
    static final int L = S.length(), NV = L >= 16 ? 4 : 2, MR = 6, NR = NV * L, KC = 256, NC = L >= 16 ? 512 : 256;
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
    /** B is packed when transposed or when A has at least this many rows. */
    static final int PACK_MIN_M = 24;
    /**
     * Columns one matrix-vector pass keeps in registers: 8 AVX2 or 4 AVX-512 vectors, so each row
     * of B it reads is 256 contiguous bytes (4 cache lines the prefetcher follows).
     */
    static final int GEMV_COLS = 64;

    final int m, n, k;
    final int aOff, ars, aks, bOff, bks, bns, cOff;
    final boolean pack;
    /** Fewer rows than the microkernel's and B not transposed: each row of C is a matrix-vector product (see {@link #gemv}). */
    final boolean gemv;
    private final boolean splitN;
    private final int parts;
    private final float[][] packs;
    private final WorkerPool pool;
    private Program epilogue;
    /** The fused kernel applied to finished stripes of C, or -1. Set before {@link #bind}. */
    int epilogueId = -1;
    private float[] arena;

    /**
     * A product over arena offsets. A(i,k) lives at {@code aOff + i*ars + k*aks}, B(k,j) at
     * {@code bOff + k*bks + j*bns}, C(i,j) at {@code cOff + i*n + j}.
     */
    public GemmKernel(WorkerPool pool, int m, int n, int k, int aOff, int ars, int aks,
                      int bOff, int bks, int bns, int cOff) {
        this.pool = pool;
        this.m = m; this.n = n; this.k = k;
        this.aOff = aOff; this.ars = ars; this.aks = aks;
        this.bOff = bOff; this.bks = bks; this.bns = bns; this.cOff = cOff;
        this.gemv = bns == 1 && m < MR;
        this.pack = !gemv && (bns != 1 || m >= PACK_MIN_M);
        long work = (long) m * n * k;
        int threads = pool == null ? 1 : pool.threads();
        int nPanels = (n + NR - 1) / NR, mBlocks = (m + MR - 1) / MR;
        this.splitN = nPanels >= threads * 2 || nPanels >= mBlocks;
        int maxParts = splitN ? nPanels : mBlocks;
        // N parts are claimed by whichever thread is free (see WorkerPool), so twice as many parts
        // as threads let the caller take over the work of a worker that did not get a core in time.
        int wanted = splitN ? threads * 2 : threads;
        this.parts = work < (gemv ? GEMV_PARALLEL_MIN_WORK : PARALLEL_MIN_WORK) || threads == 1 ? 1 : Math.max(1, Math.min(wanted, maxParts));
        this.packs = new float[parts][];
        if (pack) {
            for (int p = 0; p < parts; p++) {
                int cols = Math.min(NC, roundUp(splitN ? partSize(n, NR, p, parts) : n, NR));
                packs[p] = new float[Math.min(KC, k) * Math.max(cols, NR)];
            }
        }
    }

    /** Connects the epilogue (if any) to the generated program that holds it. */
    void bind(Program program) {
        if (epilogueId >= 0) this.epilogue = program;
    }

    /** Computes C (and its epilogue) over {@code a}. */
    public void run(float[] a) {
        if (parts == 1) {
            compute(a, 0, m, 0, n, packs[0]);
        } else {
            arena = a;
            pool.run(this, parts);
            arena = null;
        }
    }

    @Override public void run(int part, int nParts) {
        int total = splitN ? n : m, unit = splitN ? NR : MR;
        int units = (total + unit - 1) / unit;
        int from = Math.min((int) ((long) units * part / nParts) * unit, total);
        int to = Math.min((int) ((long) units * (part + 1) / nParts) * unit, total);
        if (splitN) compute(arena, 0, m, from, to, packs[part]);
        else compute(arena, from, to, 0, n, packs[part]);
    }

    private static int partSize(int total, int unit, int part, int parts) {
        int units = (total + unit - 1) / unit;
        int from = Math.min((int) ((long) units * part / parts) * unit, total);
        int to = Math.min((int) ((long) units * (part + 1) / parts) * unit, total);
        return to - from;
    }

    private static int roundUp(int x, int u) { return (x + u - 1) / u * u; }

    // ---- blocked loop nest ---------------------------------------------------------------------

    private void compute(float[] a, int m0, int m1, int n0, int n1, float[] pk) {
        if (gemv) {
            gemv(a, m0, m1, n0, n1);
            return;
        }
        for (int nc0 = n0; nc0 < n1; nc0 += NC) {
            int nc1 = Math.min(nc0 + NC, n1);
            for (int kc0 = 0; kc0 < k; kc0 += KC) {
                int kc = Math.min(KC, k - kc0);
                boolean first = kc0 == 0, last = kc0 + kc == k;
                if (pack) packB(a, pk, kc0, kc, nc0, nc1);
                for (int i = m0; i < m1; i += MR) {
                    int mr = Math.min(MR, m1 - i);
                    int aBase = aOff + i * ars + kc0 * aks;
                    for (int j = nc0; j < nc1; j += NR) {
                        int nr = Math.min(NR, nc1 - j);
                        float[] b;
                        int bBase, bStep;
                        if (pack) { b = pk; bBase = (j - nc0) * kc; bStep = NR; }
                        else { b = a; bBase = bOff + kc0 * bks + j; bStep = bks; }
                        int cBase = cOff + i * n + j;
                        if (mr == MR && nr == NR) {
                            if (NV == 4) kernel6x4v(a, aBase, ars, aks, b, bBase, bStep, kc, a, cBase, n, first);
                            else kernel6x2v(a, aBase, ars, aks, b, bBase, bStep, kc, a, cBase, n, first);
                        } else {
                            boolean padded = pack;
                            for (int r = 0; r < mr; r++) {
                                kernel1(a, aBase + r * ars, aks, b, bBase, bStep, kc, cBase + r * n, nr, first, padded);
                            }
                        }
                    }
                    if (last && epilogue != null) epilogue.fused(epilogueId, a, i, i + mr, nc0, nc1);
                }
            }
        }
    }

    /**
     * C[m0..m1, n0..n1] = A · B row by row, for few rows and B not transposed (batch-1 dense
     * layers): no packing and no K blocking; {@link #GEMV_COLS} columns are summed over all of K
     * in registers while B is streamed row after row, then the epilogue runs on the finished rows.
     */
    private void gemv(float[] a, int m0, int m1, int n0, int n1) {
        for (int i = m0; i < m1; i++) {
            int ap = aOff + i * ars, cp = cOff + i * n;
            int j = n0;
            for (; j + GEMV_COLS <= n1; j += GEMV_COLS) {
                if (L == 8) gemv8v(a, ap, aks, bOff + j, bks, k, cp + j);
                else for (int v = 0; v < GEMV_COLS; v += 2 * L) gemvMasked(a, ap, aks, bOff + j + v, bks, k, cp + j + v, 2 * L);
            }
            for (; j < n1; j += 2 * L) gemvMasked(a, ap, aks, bOff + j, bks, k, cp + j, Math.min(2 * L, n1 - j));
        }
        if (epilogue != null) epilogue.fused(epilogueId, a, m0, m1, n0, n1);
    }

    /** c[cp..cp+8L) = A row · B[0..k, 8L columns]; B rows are {@code bks} apart. */
    static void gemv8v(float[] a, int ap, int aks, int bp, int bks, int k, int cp) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
        for (int kk = 0; kk < k; kk++, ap += aks, bp += bks) {
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c0 = x.fma(FloatVector.fromArray(S, a, bp), c0);
            c1 = x.fma(FloatVector.fromArray(S, a, bp + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, a, bp + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, a, bp + 3 * L), c3);
            c4 = x.fma(FloatVector.fromArray(S, a, bp + 4 * L), c4);
            c5 = x.fma(FloatVector.fromArray(S, a, bp + 5 * L), c5);
            c6 = x.fma(FloatVector.fromArray(S, a, bp + 6 * L), c6);
            c7 = x.fma(FloatVector.fromArray(S, a, bp + 7 * L), c7);
        }
        c0.intoArray(a, cp); c1.intoArray(a, cp + L); c2.intoArray(a, cp + 2 * L); c3.intoArray(a, cp + 3 * L);
        c4.intoArray(a, cp + 4 * L); c5.intoArray(a, cp + 5 * L); c6.intoArray(a, cp + 6 * L); c7.intoArray(a, cp + 7 * L);
    }

    /** c[cp..cp+nr) = A row · B[0..k, nr <= 2L columns], masked so nothing past column nr is read or written. */
    static void gemvMasked(float[] a, int ap, int aks, int bp, int bks, int k, int cp, int nr) {
        VectorMask<Float> m0 = S.indexInRange(0, nr), m1 = S.indexInRange(L, nr);
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int kk = 0; kk < k; kk++, ap += aks, bp += bks) {
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c0 = x.fma(FloatVector.fromArray(S, a, bp, m0), c0);
            c1 = x.fma(FloatVector.fromArray(S, a, bp + L, m1), c1);
        }
        c0.intoArray(a, cp, m0);
        c1.intoArray(a, cp + L, m1);
    }

    /** Packs B(kc0..kc0+kc, nc0..nc1) into NR-wide panels: panel p, row kk at p*kc*NR + kk*NR. */
    private void packB(float[] a, float[] pk, int kc0, int kc, int nc0, int nc1) {
        if (bns == 1) {
            for (int j = nc0; j < nc1; j += NR) {
                int nr = Math.min(NR, nc1 - j);
                int dst = (j - nc0) * kc;
                int src = bOff + kc0 * bks + j;
                if (nr == NR) {
                    for (int kk = 0; kk < kc; kk++, dst += NR, src += bks) {
                        for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, a, src + v).intoArray(pk, dst + v);
                    }
                } else {
                    for (int kk = 0; kk < kc; kk++, dst += NR, src += bks) {
                        for (int v = 0; v < NV; v++) {
                            VectorMask<Float> mk = S.indexInRange(v * L, nr);
                            FloatVector.fromArray(S, a, src + v * L, mk).intoArray(pk, dst + v * L);
                        }
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

    /** The AVX-512 microkernel: C[6,4L] (+)= A[6,kc] · B[kc,4L]; B rows are {@code bStep} apart. */
    static void kernel6x4v(float[] a, int ap, int ars, int aks, float[] b, int bp, int bStep, int kc,
                           float[] c, int cp, int ldc, boolean first) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        int a1 = ars, a2 = 2 * ars, a3 = 3 * ars, a4 = 4 * ars, a5 = 5 * ars;
        for (int kk = 0; kk < kc; kk++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ap + a1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ap + a2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ap + a3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ap + a4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ap + a5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
            ap += aks;
            bp += bStep;
        }
        store4(c, cp, c00, c01, c02, c03, first);
        store4(c, cp + ldc, c10, c11, c12, c13, first);
        store4(c, cp + 2 * ldc, c20, c21, c22, c23, first);
        store4(c, cp + 3 * ldc, c30, c31, c32, c33, first);
        store4(c, cp + 4 * ldc, c40, c41, c42, c43, first);
        store4(c, cp + 5 * ldc, c50, c51, c52, c53, first);
    }

    /** The AVX2 microkernel: C[6,2L] (+)= A[6,kc] · B[kc,2L]; B rows are {@code bStep} apart. */
    static void kernel6x2v(float[] a, int ap, int ars, int aks, float[] b, int bp, int bStep, int kc,
                           float[] c, int cp, int ldc, boolean first) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        int a1 = ars, a2 = 2 * ars, a3 = 3 * ars, a4 = 4 * ars, a5 = 5 * ars;
        for (int kk = 0; kk < kc; kk++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + a1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + a2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + a3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ap + a4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ap + a5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            ap += aks;
            bp += bStep;
        }
        store2(c, cp, c00, c01, first);
        store2(c, cp + ldc, c10, c11, first);
        store2(c, cp + 2 * ldc, c20, c21, first);
        store2(c, cp + 3 * ldc, c30, c31, first);
        store2(c, cp + 4 * ldc, c40, c41, first);
        store2(c, cp + 5 * ldc, c50, c51, first);
    }

    private static void store2(float[] c, int p, FloatVector v0, FloatVector v1, boolean first) {
        if (!first) {
            v0 = v0.add(FloatVector.fromArray(S, c, p));
            v1 = v1.add(FloatVector.fromArray(S, c, p + L));
        }
        v0.intoArray(c, p);
        v1.intoArray(c, p + L);
    }

    private static void store4(float[] c, int p, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3, boolean first) {
        if (!first) {
            v0 = v0.add(FloatVector.fromArray(S, c, p));
            v1 = v1.add(FloatVector.fromArray(S, c, p + L));
            v2 = v2.add(FloatVector.fromArray(S, c, p + 2 * L));
            v3 = v3.add(FloatVector.fromArray(S, c, p + 3 * L));
        }
        v0.intoArray(c, p);
        v1.intoArray(c, p + L);
        v2.intoArray(c, p + 2 * L);
        v3.intoArray(c, p + 3 * L);
    }

    /**
     * One row of C, up to NR columns: C[1,nr] (+)= A[1,kc] · B[kc,nr]. When B is not padded the
     * loads are masked so they never read past column nr.
     */
    static void kernel1(float[] a, int ap, int aks, float[] b, int bp, int bStep, int kc,
                        int cp, int nr, boolean first, boolean padded) {
        VectorMask<Float> m0 = S.indexInRange(0, nr), m1 = S.indexInRange(L, nr);
        VectorMask<Float> m2 = S.indexInRange(2 * L, nr), m3 = S.indexInRange(3 * L, nr);
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z;
        if (padded || nr == NR) {
            for (int kk = 0; kk < kc; kk++) {
                FloatVector x = FloatVector.broadcast(S, a[ap]);
                c0 = x.fma(FloatVector.fromArray(S, b, bp), c0);
                c1 = x.fma(FloatVector.fromArray(S, b, bp + L), c1);
                if (NV == 4) {
                    c2 = x.fma(FloatVector.fromArray(S, b, bp + 2 * L), c2);
                    c3 = x.fma(FloatVector.fromArray(S, b, bp + 3 * L), c3);
                }
                ap += aks;
                bp += bStep;
            }
        } else {
            for (int kk = 0; kk < kc; kk++) {
                FloatVector x = FloatVector.broadcast(S, a[ap]);
                c0 = x.fma(FloatVector.fromArray(S, b, bp, m0), c0);
                if (nr > L) c1 = x.fma(FloatVector.fromArray(S, b, bp + L, m1), c1);
                if (nr > 2 * L) c2 = x.fma(FloatVector.fromArray(S, b, bp + 2 * L, m2), c2);
                if (nr > 3 * L) c3 = x.fma(FloatVector.fromArray(S, b, bp + 3 * L, m3), c3);
                ap += aks;
                bp += bStep;
            }
        }
        storeMasked(a, cp, c0, m0, first);
        if (nr > L) storeMasked(a, cp + L, c1, m1, first);
        if (nr > 2 * L) storeMasked(a, cp + 2 * L, c2, m2, first);
        if (nr > 3 * L) storeMasked(a, cp + 3 * L, c3, m3, first);
    }

    private static void storeMasked(float[] c, int p, FloatVector v, VectorMask<Float> mk, boolean first) {
        if (!first) v = v.add(FloatVector.fromArray(S, c, p, mk));
        v.intoArray(c, p, mk);
    }
}
