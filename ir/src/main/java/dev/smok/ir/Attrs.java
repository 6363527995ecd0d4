package dev.smok.ir;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An op's static attributes: an immutable map from names to ints, floats, int arrays, booleans,
 * strings or graphs (the body of a {@link Op#SCAN}). Printed sorted by name, so equal attributes always print equally.
 */
public final class Attrs {
    public static final Attrs NONE = new Attrs(Map.of());
    private final Map<String, Object> map;

    private Attrs(Map<String, Object> map) { this.map = map; }

    /** Builds attributes from alternating names and values: {@code Attrs.of("axis", 1, "keep", true)}. */
    public static Attrs of(Object... kv) {
        if (kv.length % 2 != 0) throw new IllegalArgumentException("odd number of arguments");
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], normalize(kv[i + 1]));
        return m.isEmpty() ? NONE : new Attrs(Collections.unmodifiableMap(m));
    }

    private static Object normalize(Object v) {
        return switch (v) {
            case Integer i -> i;
            case Float f -> f;
            case Double d -> d.floatValue();
            case Boolean b -> b;
            case String s -> s;
            case int[] a -> a.clone();
            case Graph g -> g; // a loop body (see Scan); printed as a nested block by IrPrinter
            default -> throw new IllegalArgumentException("unsupported attribute value " + v);
        };
    }

    /** A copy with one attribute set. */
    public Attrs with(String name, Object value) {
        Map<String, Object> m = new TreeMap<>(map);
        m.put(name, normalize(value));
        return new Attrs(Collections.unmodifiableMap(m));
    }

    /** A copy without the named attribute (the same object when it is absent). */
    public Attrs without(String name) {
        if (!map.containsKey(name)) return this;
        Map<String, Object> m = new TreeMap<>(map);
        m.remove(name);
        return m.isEmpty() ? NONE : new Attrs(Collections.unmodifiableMap(m));
    }

    public boolean has(String name) { return map.containsKey(name); }
    public Map<String, Object> asMap() { return map; }

    public int i(String name) { return (Integer) need(name); }
    public int i(String name, int dflt) { return map.containsKey(name) ? (Integer) map.get(name) : dflt; }
    public float f(String name) { return (Float) need(name); }
    public float f(String name, float dflt) { return map.containsKey(name) ? (Float) map.get(name) : dflt; }
    public boolean b(String name, boolean dflt) { return map.containsKey(name) ? (Boolean) map.get(name) : dflt; }
    public String s(String name) { return (String) need(name); }
    public int[] ints(String name) { return ((int[]) need(name)).clone(); }
    /** A graph-valued attribute, such as the body of a {@link Op#SCAN}. */
    public Graph graph(String name) { return (Graph) need(name); }
    public int[] ints(String name, int[] dflt) { return map.containsKey(name) ? ((int[]) map.get(name)).clone() : dflt; }

    private Object need(String name) {
        Object v = map.get(name);
        if (v == null) throw new IrException("missing attribute '" + name + "'");
        return v;
    }

    /** IR form: {@code {axes=[1], keepdims=true, lr=0.01}}, or the empty string when there are none. */
    @Override public String toString() {
        if (map.isEmpty()) return "";
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        for (var e : map.entrySet()) {
            if (!first) b.append(", ");
            first = false;
            b.append(e.getKey()).append('=').append(format(e.getValue()));
        }
        return b.append('}').toString();
    }

    private static String format(Object v) {
        return switch (v) {
            case int[] a -> Arrays.toString(a).replace(" ", "");
            case Float f -> Float.toString(f);
            case String s -> '"' + s + '"';
            case Graph g -> "<graph " + g.name() + ">";
            default -> v.toString();
        };
    }

    /** Parses the body of the IR form (without braces). */
    static Attrs parse(String body) {
        Map<String, Object> m = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            if (eq < 0) throw new IrException("bad attributes '" + body + "'");
            String name = body.substring(i, eq).trim();
            int end;
            Object v;
            char c = body.charAt(eq + 1);
            if (c == '[') {
                end = body.indexOf(']', eq) + 1;
                String inner = body.substring(eq + 2, end - 1).trim();
                v = inner.isEmpty() ? new int[0]
                        : Arrays.stream(inner.split(",")).mapToInt(t -> Integer.parseInt(t.trim())).toArray();
            } else if (c == '"') {
                end = body.indexOf('"', eq + 2) + 1;
                v = body.substring(eq + 2, end - 1);
            } else {
                end = body.indexOf(',', eq);
                if (end < 0) end = body.length();
                String t = body.substring(eq + 1, end).trim();
                if (t.equals("true") || t.equals("false")) v = Boolean.parseBoolean(t);
                else if (t.contains(".") || t.contains("E") || t.contains("Infinity") || t.contains("NaN")) v = Float.parseFloat(t);
                else v = Integer.parseInt(t);
            }
            m.put(name, v);
            i = end;
            while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) i++;
        }
        Object[] kv = new Object[m.size() * 2];
        int k = 0;
        for (var e : m.entrySet()) { kv[k++] = e.getKey(); kv[k++] = e.getValue(); }
        return of(kv);
    }

    @Override public boolean equals(Object o) {
        if (!(o instanceof Attrs a) || a.map.size() != map.size()) return false;
        for (var e : map.entrySet()) {
            Object w = a.map.get(e.getKey());
            if (w == null) return false;
            if (e.getValue() instanceof int[] x ? !(w instanceof int[] y && Arrays.equals(x, y)) : !e.getValue().equals(w)) return false;
        }
        return true;
    }

    @Override public int hashCode() { return toString().hashCode(); }
}
