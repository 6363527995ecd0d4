package dev.smok.optimizer.passes;

import static dev.smok.optimizer.passes.Pattern.any;
import static dev.smok.optimizer.passes.Pattern.constant;
import static dev.smok.optimizer.passes.Pattern.op;
import static dev.smok.optimizer.passes.RewriteRule.toVar;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.optimizer.Pass;

import java.util.List;

/**
 * Algebraic simplification ({@code simplify}): identities that remove work, written as
 * declarative rewrite rules and applied by the {@link RewriteEngine}.
 *
 * <pre>
 *   mul-one            x * 1, 1 * x            -> x
 *   add-zero           x + 0, 0 + x            -> x
 *   sub-zero           x - 0                   -> x
 *   div-one            x / 1                   -> x
 *   scale-identity     scale(x, alpha=1, beta=0) -> x
 *   scale-scale        scale(scale(x, a1, b1), a2, b2) -> scale(x, a2*a1, a2*b1 + b2)
 *   neg-neg            neg(neg(x))             -> x
 *   identity           identity(x)             -> x
 *   transpose-identity transpose(x, [0,1,..])  -> x
 *   transpose-transpose transpose(transpose(x, p), q) -> transpose(x, p∘q)  (or x)
 *   reshape-same       reshape(x) to x's shape -> x
 *   reshape-reshape    reshape(reshape(x))     -> reshape(x)
 *   broadcast-same     broadcast_to(x) to x's shape -> x
 *   mul-constant       x * c, c * x            -> scale(x, alpha=c)
 *   add-constant       x + c, c + x            -> scale(x, alpha=1, beta=c)
 *   sub-constant       x - c                   -> scale(x, alpha=1, beta=-c)
 *   div-constant       x / c, c a power of two -> scale(x, alpha=1/c)   (exact)
 *   neg-scale          neg(scale(x, a, b))     -> scale(x, -a, -b)
 *   scale-neg          scale(neg(x), a, b)     -> scale(x, -a, b)
 * </pre>
 *
 * The last group canonicalizes arithmetic with a fill constant into {@code scale}, which needs
 * no constant buffer and no broadcasting, and which {@code scale-scale} then folds:
 * {@code (x * 2 + 1) * 0.5 - 0.5} becomes {@code x}. They come after the identity rules, so
 * {@code x * 1} still becomes {@code x}, not {@code scale(x, 1)}.
 *
 * The engine refuses a replacement of another shape, so {@code x * 1} where the constant
 * broadcasts {@code x} to a larger shape stays. Rules that would change results for special
 * values are left out: {@code x * 0 -> 0} is wrong for NaN and infinity, {@code x - x -> 0}
 * likewise. Folding two scales rounds the combined alpha and beta to float32, a relative change
 * of at most about 1e-7.
 */
public final class AlgebraicSimplification implements Pass {
    /** The rules, in the order the engine tries them. */
    public static final List<RewriteRule> RULES = List.of(
            toVar("mul-one", op(Op.MUL, any("x"), constant(1f)), "x"),
            toVar("add-zero", op(Op.ADD, any("x"), constant(0f)), "x"),
            toVar("sub-zero", op(Op.SUB, any("x"), constant(0f)), "x"),
            toVar("div-one", op(Op.DIV, any("x"), constant(1f)), "x"),
            toVar("scale-identity", op(Op.SCALE, any("x")).where(n -> alpha(n) == 1f && beta(n) == 0f), "x"),
            new RewriteRule("scale-scale", op(Op.SCALE, op(Op.SCALE, any("x")).named("inner")), m -> {
                Node inner = m.node("inner"), outer = m.root();
                float a = alpha(outer) * alpha(inner), b = alpha(outer) * beta(inner) + beta(outer);
                return m.add(Op.SCALE, Attrs.of("alpha", a, "beta", b), m.value("x"));
            }),
            toVar("neg-neg", op(Op.NEG, op(Op.NEG, any("x"))), "x"),
            toVar("identity", op(Op.IDENTITY, any("x")), "x"),
            toVar("transpose-identity", op(Op.TRANSPOSE, any("x")).where(n -> isIdentity(n.attrs().ints("perm"))), "x"),
            new RewriteRule("transpose-transpose", op(Op.TRANSPOSE, op(Op.TRANSPOSE, any("x")).named("inner")), m -> {
                int[] p = m.node("inner").attrs().ints("perm"), q = m.root().attrs().ints("perm");
                // out[i] = inner[q[i]] = x[p[q[i]]]
                int[] composed = new int[q.length];
                for (int i = 0; i < q.length; i++) composed[i] = p[q[i]];
                return isIdentity(composed) ? m.value("x") : m.add(Op.TRANSPOSE, Attrs.of("perm", composed), m.value("x"));
            }),
            new RewriteRule("reshape-same", op(Op.RESHAPE, any("x")), m -> m.value("x")),
            new RewriteRule("reshape-reshape", op(Op.RESHAPE, op(Op.RESHAPE, any("x"))),
                    m -> m.add(Op.RESHAPE, m.root().attrs(), m.value("x"))),
            new RewriteRule("broadcast-same", op(Op.BROADCAST_TO, any("x")), m -> m.value("x")),
            new RewriteRule("mul-constant", op(Op.MUL, any("x"), op(Op.CONSTANT).named("c")),
                    m -> scale(m, m.value("x"), value(m.node("c")), 0f)),
            new RewriteRule("add-constant", op(Op.ADD, any("x"), op(Op.CONSTANT).named("c")),
                    m -> scale(m, m.value("x"), 1f, value(m.node("c")))),
            new RewriteRule("sub-constant", op(Op.SUB, any("x"), op(Op.CONSTANT).named("c")),
                    m -> scale(m, m.value("x"), 1f, -value(m.node("c")))),
            new RewriteRule("div-constant", op(Op.DIV, any("x"), op(Op.CONSTANT).named("c").where(n -> isPowerOfTwo(value(n)))),
                    m -> scale(m, m.value("x"), 1f / value(m.node("c")), 0f)),
            new RewriteRule("neg-scale", op(Op.NEG, op(Op.SCALE, any("x")).named("s")),
                    m -> scale(m, m.value("x"), -alpha(m.node("s")), -beta(m.node("s")))),
            new RewriteRule("scale-neg", op(Op.SCALE, op(Op.NEG, any("x"))),
                    m -> scale(m, m.value("x"), -alpha(m.root()), beta(m.root()))));

    private final RewriteEngine engine = new RewriteEngine(RULES);

    @Override public String name() { return "simplify"; }

    @Override public String description() { return "algebraic identities as rewrite rules (x*1, neg(neg x), transpose chains, ...)"; }

    @Override public Graph run(Graph g) { return engine.rewrite(g); }

    /** How often each rule fired in the last run. */
    public java.util.Map<String, Integer> applied() { return engine.applied(); }

    /**
     * scale(x, a, b), unless the root's result is larger than x (the constant broadcasts x):
     * then nothing is added and the rule declines.
     */
    private static dev.smok.ir.Value scale(RewriteRule.Match m, dev.smok.ir.Value x, float a, float b) {
        if (!x.shape().equals(m.root().out().shape())) return null;
        return m.add(Op.SCALE, Attrs.of("alpha", a + 0f, "beta", b + 0f), x); // + 0f: -0.0 prints as 0.0
    }

    private static float value(Node constant) { return constant.attrs().f("value"); }

    private static boolean isPowerOfTwo(float c) {
        if (c == 0 || Float.isNaN(c) || Float.isInfinite(c)) return false;
        float a = Math.abs(c);
        return a == Math.scalb(1f, Math.getExponent(a)) && Float.isFinite(1f / c);
    }

    private static float alpha(Node n) { return n.attrs().f("alpha"); }
    private static float beta(Node n) { return n.attrs().f("beta", 0f); }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) return false;
        return true;
    }

}
