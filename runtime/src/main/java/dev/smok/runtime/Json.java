package dev.smok.runtime;

import java.util.List;
import java.util.Map;

/** A minimal JSON writer for reports: maps, lists, numbers, strings, booleans and null. */
public final class Json {
    private Json() {}

    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, "");
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, String indent) {
        switch (v) {
            case null -> b.append("null");
            case Map<?, ?> m -> {
                b.append("{");
                String in = indent + "  ";
                boolean first = true;
                for (var e : m.entrySet()) {
                    b.append(first ? "\n" : ",\n").append(in);
                    first = false;
                    string(b, e.getKey().toString());
                    b.append(": ");
                    write(b, e.getValue(), in);
                }
                b.append(first ? "}" : "\n" + indent + "}");
            }
            case List<?> l -> {
                boolean flat = l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) b.append(flat ? ", " : ",");
                    if (!flat) b.append('\n').append(indent).append("  ");
                    write(b, l.get(i), indent + "  ");
                }
                if (!flat && !l.isEmpty()) b.append('\n').append(indent);
                b.append(']');
            }
            case Double d -> b.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
            case Float f -> b.append(f.isNaN() || f.isInfinite() ? "null" : Double.toString(f.doubleValue()));
            case Number n -> b.append(n);
            case Boolean bo -> b.append(bo);
            default -> string(b, v.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> { if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c); }
            }
        }
        b.append('"');
    }
}
