package dev.smok.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the text form written by {@link IrPrinter} back into a verified {@link Graph}. */
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
            try {
                parseLine(b, values, line);
            } catch (IrException | IllegalArgumentException | IndexOutOfBoundsException e) {
                throw error(ln + 1, e.getMessage() + ": " + line);
            }
        }
        return b.build();
    }

    private static void parseLine(GraphBuilder b, Map<String, Value> values, String line) {
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
