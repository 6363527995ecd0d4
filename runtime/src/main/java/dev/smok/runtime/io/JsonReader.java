package dev.smok.runtime.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON parser (RFC 8259) for checkpoint headers: objects become
 * {@code LinkedHashMap<String,Object>} (key order kept), arrays {@code List<Object>}, numbers
 * {@code Long} when integral and {@code Double} otherwise, and {@code true}, {@code false},
 * {@code null}. Nesting is limited to 64 levels and duplicate keys are refused, so a hostile
 * header cannot exhaust the stack or hide a second definition. Errors are {@link IllegalArgumentException}s
 * naming the character offset.
 *
 * <p>Hand-written rather than a library: the safetensors header needs a few dozen lines of
 * JSON and the runtime should not pull a JSON library into every embedding application.
 */
public final class JsonReader {
    private static final int MAX_DEPTH = 64;
    private final String s;
    private int i;

    private JsonReader(String s) { this.s = s; }

    /** Parses one JSON value that spans the whole of {@code text} (surrounding whitespace allowed). */
    public static Object parse(String text) {
        JsonReader r = new JsonReader(text);
        r.space();
        Object v = r.value(0);
        r.space();
        if (r.i != text.length()) throw r.error("unexpected text after the JSON value");
        return v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("bad JSON at offset " + i + ": " + what);
    }

    private void space() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
    }

    private char peek() {
        if (i >= s.length()) throw error("unexpected end of text");
        return s.charAt(i);
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "' but found '" + s.charAt(i) + "'");
        i++;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
        char c = peek();
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) throw error("expected " + word);
        i += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        expect('{');
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (peek() == '}') { i++; return m; }
        while (true) {
            space();
            if (peek() != '"') throw error("expected a string key");
            int at = i;
            String key = string();
            space();
            expect(':');
            space();
            Object v = value(depth + 1);
            if (m.containsKey(key)) { i = at; throw error("duplicate key \"" + key + "\""); }
            m.put(key, v);
            space();
            if (peek() == ',') { i++; continue; }
            expect('}');
            return m;
        }
    }

    private List<Object> array(int depth) {
        expect('[');
        List<Object> l = new ArrayList<>();
        space();
        if (peek() == ']') { i++; return l; }
        while (true) {
            space();
            l.add(value(depth + 1));
            space();
            if (peek() == ',') { i++; continue; }
            expect(']');
            return l;
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = peek();
            i++;
            if (c == '"') return b.toString();
            if (c < 0x20) { i--; throw error("control character in a string"); }
            if (c != '\\') { b.append(c); continue; }
            char e = peek();
            i++;
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) throw error("unexpected end of text in a \\u escape");
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("bad \\u escape");
                    }
                    i += 4;
                }
                default -> { i--; throw error("bad escape '\\" + e + "'"); }
            }
        }
    }

    private Object number() {
        int start = i;
        if (peek() == '-') i++;
        if (peek() == '0') i++;
        else digits();
        boolean integral = true;
        if (i < s.length() && s.charAt(i) == '.') { i++; digits(); integral = false; }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (peek() == '+' || peek() == '-') i++;
            digits();
            integral = false;
        }
        String text = s.substring(start, i);
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException x) {
                i = start;
                throw error("integer out of range: " + text);
            }
        }
        return Double.parseDouble(text);
    }

    private void digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        if (i == start) throw error("expected a digit");
    }
}
