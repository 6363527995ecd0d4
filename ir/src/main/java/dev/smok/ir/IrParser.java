package dev.smok.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text form written by {@link IrPrinter} back into a verified {@link Graph}. A nested
 * {@code graph NAME { ... }} block after a node line is that node's body (see {@link Scan}).
 */
public final class IrParser {
    private IrParser() {}

    public static Graph parse(String text) {
        String[] lines = text.strip().split("\n");
        String head = lines[0].trim();
        if (!head.startsWith("graph ") || !head.endsWith("{")) throw error(1, "expected 'graph NAME {'");
        GraphBuilder b = new GraphBuilder(head.substring(6, head.length() - 1).trim());
        Map<String, Value> values = new HashMap<>();
        for (int ln = 1; ln < lines.length; ln++) {
            String line = lines[ln].trim();
            if (line.isEmpty() || line.equals("}")) continue;
            Graph body = null;
            int bodyEnd = blockEnd(lines, ln + 1);
            if (bodyEnd > ln + 1) {
                String block = String.join("\n", java.util.Arrays.asList(lines).subList(ln + 1, bodyEnd));
                try {
                    body = parse(block);
                } catch (IrException e) {
                    throw error(ln + 2, "in the body of the node on line " + (ln + 1) + ": " + e.getMessage());
                }
            }
            try {
                parseLine(b, values, line, body);
            } catch (IrException | IllegalArgumentException | IndexOutOfBoundsException e) {
                throw error(ln + 1, e.getMessage() + ": " + line);
            }
            if (body != null) ln = bodyEnd - 1;
        }
        return b.build();
    }

    /**
     * When line {@code from} opens a nested graph (a scan's body), the index after its closing
     * brace; otherwise {@code from}.
     */
    private static int blockEnd(String[] lines, int from) {
        if (from >= lines.length || !isGraphHead(lines[from].trim())) return from;
        int depth = 0;
        for (int i = from; i < lines.length; i++) {
            String l = lines[i].trim();
            if (isGraphHead(l)) depth++;
            else if (l.equals("}") && --depth == 0) return i + 1;
        }
        throw error(from + 1, "the nested graph is not closed");
    }

    private static boolean isGraphHead(String line) { return line.startsWith("graph ") && line.endsWith("{"); }

    private static void parseLine(GraphBuilder b, Map<String, Value> values, String line, Graph body) {
        for (Role role : Role.values()) {
            if (line.startsWith(role.text() + " %")) {
                int colon = line.indexOf(':');
                String name = line.substring(role.text().length() + 2, colon).trim();
                String type = line.substring(colon + 1).trim();
                int br = type.indexOf('[');
                Value v = b.input(name, Shape.parse(type.substring(br)), DType.parse(type.substring(0, br)), role);
                values.put("%" + name, v);
                return;
            }
        }
        if (line.startsWith("output ") || line.startsWith("update ")) {
            int eq = line.indexOf('=');
            String name = line.substring(7, eq).trim();
            Value v = lookup(values, line.substring(eq + 1).trim());
            if (line.startsWith("output ")) b.output(name, v);
            else b.update(name, v);
            return;
        }
        // %N: f32[...] = op(%a, %b) {attrs}
        int colon = line.indexOf(':');
        int eq = line.indexOf(" = ");
        String name = line.substring(0, colon).trim();
        String type = line.substring(colon + 1, eq).trim();
        String rest = line.substring(eq + 3).trim();
        int open = rest.indexOf('('), close = rest.indexOf(')');
        Op op = Op.parse(rest.substring(0, open).trim());
        List<Value> ins = new ArrayList<>();
        String args = rest.substring(open + 1, close).trim();
        if (!args.isEmpty()) for (String a : args.split(",")) ins.add(lookup(values, a.trim()));
        String attrText = rest.substring(close + 1).trim();
        Attrs attrs = attrText.isEmpty() ? Attrs.NONE : Attrs.parse(attrText.substring(1, attrText.length() - 1));
        if (body != null) attrs = attrs.with(Scan.BODY, body);
        Value v = b.op(op, attrs, ins.toArray(Value[]::new));
        String declared = type.substring(type.indexOf('['));
        if (!v.shape().equals(Shape.parse(declared))) {
            throw new IrException("declared shape " + declared + " but " + op.text() + " gives " + v.shape());
        }
        values.put(name, v);
    }

    private static Value lookup(Map<String, Value> values, String ref) {
        Value v = values.get(ref);
        if (v == null) throw new IrException("undefined value " + ref);
        return v;
    }

    private static IrException error(int line, String what) {
        return new IrException("IR line " + line + ": " + what);
    }
}
