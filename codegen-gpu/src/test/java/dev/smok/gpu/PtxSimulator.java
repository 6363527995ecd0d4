package dev.smok.gpu;

import dev.smok.gpu.KernelIr.Kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference simulator for the PTX subset {@link PtxEmitter} writes, as a {@link DeviceRuntime},
 * so the CUDA backend's code path (lowering, PTX text, launch geometry, buffer binding, update
 * swaps) can be checked against the interpreter on a machine without an NVIDIA GPU. It executes
 * each work-group's threads one after another up to each {@code bar.sync}, so shared memory and
 * barriers behave as on the device. Floats are computed in Java float32 ({@code ex2.approx} and
 * {@code lg2.approx} exactly rounded); it knows only the instructions the emitter uses and fails
 * loudly on anything else. It does not check what ptxas checks (that is {@link PtxValidationTest}).
 */
final class PtxSimulator implements DeviceRuntime {
    private final List<float[]> buffers = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();

    /** Global address of element 0 of buffer b: the buffer index in the high 32 bits. */
    private static long base(int b) { return (long) (b + 1) << 32; }

    @Override public String describe() { return "PTX simulator"; }

    @Override public long alloc(long floats) {
        buffers.add(new float[(int) Math.max(1, floats)]);
        return base(buffers.size() - 1);
    }

    private float[] buffer(long addr) { return buffers.get((int) (addr >>> 32) - 1); }

    @Override public void upload(long buf, float[] src, int off, int n) { System.arraycopy(src, off, buffer(buf), 0, n); }

    @Override public void download(long buf, float[] dst, int off, int n) { System.arraycopy(buffer(buf), 0, dst, off, n); }

    @Override public long[] build(String ptx, List<Kernel> kernels) {
        Map<String, Entry> parsed = parse(ptx);
        long[] handles = new long[kernels.size()];
        for (int i = 0; i < handles.length; i++) {
            Entry e = parsed.get(kernels.get(i).name());
            if (e == null) throw new GpuException("no .entry " + kernels.get(i).name() + " in PTX");
            entries.add(e);
            handles[i] = entries.size() - 1;
        }
        return handles;
    }

    @Override public void finish() {}
    @Override public void close() {}

    // ---- parsing -------------------------------------------------------------------------------

    /** Operand kinds. */
    private static final int REG = 0, IMM = 1, SPECIAL = 2;

    private record Opnd(int kind, int reg, long imm) {}

    private record Instr(String op, Opnd[] a, int guard, boolean negate, String label, String text) {}

    private static final class Entry {
        final List<String> params = new ArrayList<>();
        final Map<String, Integer> regs = new HashMap<>();
        final Map<String, Integer> labels = new HashMap<>();
        final Map<String, int[]> shared = new HashMap<>(); // name -> {base, size}
        final List<Instr> code = new ArrayList<>();
        int sharedWords;

        int reg(String name) { return regs.computeIfAbsent(name, k -> regs.size()); }
    }

    private static Map<String, Entry> parse(String ptx) {
        Map<String, Entry> out = new HashMap<>();
        Entry cur = null;
        String name = null;
        for (String raw : ptx.split("\n")) {
            String line = raw.trim();
            if (line.startsWith(".visible .entry ")) {
                cur = new Entry();
                name = line.substring(16, line.indexOf('('));
                out.put(name, cur);
            } else if (cur == null || line.isEmpty() || line.startsWith("//") || line.equals("{") || line.equals(")")) {
                continue;
            } else if (line.startsWith(".param .u64 ")) {
                cur.params.add(line.substring(12).replace(",", "").trim());
            } else if (line.startsWith(".shared")) {
                String decl = line.substring(line.lastIndexOf(' ') + 1, line.length() - 1); // name[size]
                int size = Integer.parseInt(decl.substring(decl.indexOf('[') + 1, decl.indexOf(']')));
                cur.shared.put(decl.substring(0, decl.indexOf('[')), new int[] {cur.sharedWords, size});
                cur.sharedWords += size;
            } else if (line.startsWith(".reg") || line.startsWith(".maxntid")) {
                continue;
            } else if (line.equals("}")) {
                cur = null;
            } else if (line.endsWith(":")) {
                cur.labels.put(line.substring(0, line.length() - 1), cur.code.size());
            } else {
                cur.code.add(decode(cur, line.substring(0, line.length() - 1)));
            }
        }
        return out;
    }

    private static Instr decode(Entry e, String text) {
        String s = text;
        int guard = -1;
        boolean negate = false;
        if (s.startsWith("@")) {
            int sp = s.indexOf(' ');
            String p = s.substring(1, sp);
            negate = p.startsWith("!");
            guard = e.reg(negate ? p.substring(1) : p);
            s = s.substring(sp + 1);
        }
        int sp = s.indexOf(' ');
        String op = sp < 0 ? s : s.substring(0, sp);
        String rest = sp < 0 ? "" : s.substring(sp + 1);
        if (op.equals("bra")) return new Instr(op, new Opnd[0], guard, negate, rest.trim(), text);
        if (op.equals("ld.param.u64")) {
            String[] parts = rest.split(",");
            String param = parts[1].trim();
            int index = e.params.indexOf(param.substring(1, param.length() - 1));
            return new Instr(op, new Opnd[] {reg(e, parts[0]), new Opnd(IMM, 0, index)}, guard, negate, null, text);
        }
        List<Opnd> ops = new ArrayList<>();
        for (String t : rest.isEmpty() ? new String[0] : rest.split(",")) ops.add(operand(e, t.trim().replaceAll("[\\[\\]{}]", "")));
        return new Instr(op, ops.toArray(new Opnd[0]), guard, negate, null, text);
    }

    private static Opnd reg(Entry e, String t) { return new Opnd(REG, e.reg(t.trim()), 0); }

    private static Opnd operand(Entry e, String t) {
        if (t.startsWith("%ctaid.") || t.startsWith("%tid.")) {
            int code = (t.startsWith("%tid.") ? 2 : 0) + (t.endsWith("y") ? 1 : 0);
            return new Opnd(SPECIAL, 0, code);
        }
        if (t.startsWith("%")) return reg(e, t);
        if (t.startsWith("0f")) return new Opnd(IMM, 0, Integer.parseUnsignedInt(t.substring(2), 16) & 0xffffffffL);
        if (e.shared.containsKey(t)) return new Opnd(IMM, 0, 4L * e.shared.get(t)[0]);
        return new Opnd(IMM, 0, Long.parseLong(t));
    }

    // ---- execution -----------------------------------------------------------------------------

    @Override public void launch(long kernel, Kernel g, long[] bufs) {
        Entry e = entries.get((int) kernel);
        int threads = g.blockX() * g.blockY();
        for (int gy = 0; gy < g.groupsY(); gy++) {
            for (int gx = 0; gx < g.groupsX(); gx++) {
                float[] shared = new float[e.sharedWords];
                long[][] regs = new long[threads][e.regs.size()];
                int[] pc = new int[threads];
                boolean[] done = new boolean[threads];
                int finished = 0;
                while (finished < threads) {
                    for (int t = 0; t < threads; t++) {
                        if (done[t]) continue;
                        int[] special = {gx, gy, t % g.blockX(), t / g.blockX()};
                        if (run(e, regs[t], pc, t, special, shared, bufs)) { done[t] = true; finished++; }
                    }
                    if (finished != 0 && finished != threads) throw new GpuException(g.name() + ": threads exit while others wait at a barrier");
                }
            }
        }
    }

    /** Runs thread t until a barrier (returns false) or ret (returns true). */
    private boolean run(Entry e, long[] r, int[] pcs, int t, int[] special, float[] shared, long[] bufs) {
        int pc = pcs[t];
        while (true) {
            Instr in = e.code.get(pc++);
            if (in.guard() >= 0 && ((r[in.guard()] != 0) == in.negate())) continue;
            Opnd[] a = in.a();
            String op = in.op();
            switch (op) {
                case "ret" -> { pcs[t] = pc; return true; }
                case "bar.sync" -> { pcs[t] = pc; return false; }
                case "bra" -> pc = e.labels.get(in.label());
                case "ld.param.u64" -> r[a[0].reg()] = bufs[(int) a[1].imm()];
                case "cvta.to.global.u64", "mov.u32", "mov.s32", "mov.f32", "mov.pred" -> r[a[0].reg()] = v(r, a[1], special);
                case "mul.wide.s32" -> r[a[0].reg()] = (long) i(r, a[1], special) * i(r, a[2], special);
                case "add.s64" -> r[a[0].reg()] = v(r, a[1], special) + v(r, a[2], special);
                case "ld.global.f32" -> {
                    long addr = v(r, a[1], special);
                    r[a[0].reg()] = bits(buffer(addr)[(int) ((addr & 0xffffffffL) >> 2)]);
                }
                case "st.global.f32" -> {
                    long addr = v(r, a[0], special);
                    buffer(addr)[(int) ((addr & 0xffffffffL) >> 2)] = f(r, a[1], special);
                }
                case "ld.shared.f32" -> r[a[0].reg()] = bits(shared[i(r, a[1], special) >> 2]);
                case "ld.shared.v4.f32" -> {
                    int word = i(r, a[4], special) >> 2;
                    if ((word & 3) != 0) throw new IllegalStateException("misaligned ld.shared.v4 at word " + word + ": " + in.text());
                    for (int q = 0; q < 4; q++) r[a[q].reg()] = bits(shared[word + q]);
                }
                case "st.shared.f32" -> shared[i(r, a[0], special) >> 2] = f(r, a[1], special);
                default -> r[a[0].reg()] = arith(op, r, a, special, in.text());
            }
        }
    }

    private static long arith(String op, long[] r, Opnd[] a, int[] sp, String text) {
        if (op.startsWith("setp.")) {
            String[] p = op.split("\\.");
            int c;
            if (p[2].equals("f32")) {
                float x = f(r, a[1], sp), y = f(r, a[2], sp);
                if (Float.isNaN(x) || Float.isNaN(y)) return p[1].equals("ne") ? 1 : 0;
                c = Float.compare(x, y) == 0 || x == y ? 0 : (x < y ? -1 : 1);
            } else {
                c = Integer.compare(i(r, a[1], sp), i(r, a[2], sp));
            }
            boolean res = switch (p[1]) {
                case "lt" -> c < 0; case "le" -> c <= 0; case "gt" -> c > 0; case "ge" -> c >= 0;
                case "eq" -> c == 0; case "ne" -> c != 0;
                default -> throw new GpuException("simulator: unknown comparison in " + text);
            };
            return res ? 1 : 0;
        }
        return switch (op) {
            case "add.f32" -> bits(f(r, a[1], sp) + f(r, a[2], sp));
            case "sub.f32" -> bits(f(r, a[1], sp) - f(r, a[2], sp));
            case "mul.f32" -> bits(f(r, a[1], sp) * f(r, a[2], sp));
            case "div.rn.f32" -> bits(f(r, a[1], sp) / f(r, a[2], sp));
            case "min.f32" -> bits(fmin(f(r, a[1], sp), f(r, a[2], sp)));
            case "max.f32" -> bits(-fmin(-f(r, a[1], sp), -f(r, a[2], sp)));
            case "neg.f32" -> bits(-f(r, a[1], sp));
            case "abs.f32" -> bits(Math.abs(f(r, a[1], sp)));
            case "fma.rn.f32" -> bits(Math.fma(f(r, a[1], sp), f(r, a[2], sp), f(r, a[3], sp)));
            case "sqrt.rn.f32" -> bits((float) Math.sqrt(f(r, a[1], sp)));
            case "ex2.approx.f32" -> bits((float) Math.pow(2, f(r, a[1], sp)));
            case "lg2.approx.f32" -> bits((float) (Math.log(f(r, a[1], sp)) / Math.log(2)));
            case "copysign.f32" -> bits(Math.copySign(f(r, a[2], sp), f(r, a[1], sp)));
            case "cvt.rn.f32.s32" -> bits((float) i(r, a[1], sp));
            case "cvt.rzi.s32.f32" -> (long) (int) f(r, a[1], sp);
            case "cvt.s64.s32" -> (long) i(r, a[1], sp);
            case "cvt.rzi.s64.f32" -> (long) f(r, a[1], sp);
            case "cvt.rn.f32.u64" -> bits(unsignedToFloat(v(r, a[1], sp)));
            case "mov.u64" -> v(r, a[1], sp);
            case "add.u64" -> v(r, a[1], sp) + v(r, a[2], sp);
            case "mul.lo.u64" -> v(r, a[1], sp) * v(r, a[2], sp);
            case "xor.b64" -> v(r, a[1], sp) ^ v(r, a[2], sp);
            case "shr.u64" -> v(r, a[1], sp) >>> i(r, a[2], sp);
            case "add.s32" -> (long) (i(r, a[1], sp) + i(r, a[2], sp));
            case "sub.s32" -> (long) (i(r, a[1], sp) - i(r, a[2], sp));
            case "mul.lo.s32" -> (long) (i(r, a[1], sp) * i(r, a[2], sp));
            case "mad.lo.s32" -> (long) (i(r, a[1], sp) * i(r, a[2], sp) + i(r, a[3], sp));
            case "div.s32" -> (long) (i(r, a[1], sp) / i(r, a[2], sp));
            case "rem.s32" -> (long) (i(r, a[1], sp) % i(r, a[2], sp));
            case "min.s32" -> (long) Math.min(i(r, a[1], sp), i(r, a[2], sp));
            case "max.s32" -> (long) Math.max(i(r, a[1], sp), i(r, a[2], sp));
            case "neg.s32" -> (long) -i(r, a[1], sp);
            case "abs.s32" -> (long) Math.abs(i(r, a[1], sp));
            case "selp.f32", "selp.s32" -> v(r, a[3], sp) != 0 ? v(r, a[1], sp) : v(r, a[2], sp);
            case "and.pred" -> v(r, a[1], sp) & v(r, a[2], sp);
            case "or.pred" -> v(r, a[1], sp) | v(r, a[2], sp);
            case "not.pred" -> v(r, a[1], sp) ^ 1;
            default -> throw new GpuException("simulator does not know '" + text + "'");
        };
    }

    /** An unsigned 64-bit integer rounded to float (Java's long conversion is signed). */
    private static float unsignedToFloat(long x) {
        return x >= 0 ? (float) x : (float) ((x >>> 1) | (x & 1)) * 2f;
    }

    /** PTX min: the non-NaN operand when one is NaN. */
    private static float fmin(float x, float y) { return Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.min(x, y); }

    private static long v(long[] r, Opnd o, int[] special) {
        return switch (o.kind()) {
            case REG -> r[o.reg()];
            case IMM -> o.imm();
            default -> special[(int) o.imm()];
        };
    }

    private static int i(long[] r, Opnd o, int[] sp) { return (int) v(r, o, sp); }
    private static float f(long[] r, Opnd o, int[] sp) { return Float.intBitsToFloat((int) v(r, o, sp)); }
    private static long bits(float x) { return Float.floatToRawIntBits(x) & 0xffffffffL; }
}
