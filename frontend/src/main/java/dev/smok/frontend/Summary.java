package dev.smok.frontend;

import dev.smok.frontend.Network.Port;
import dev.smok.ir.Shape;

import java.util.ArrayList;
import java.util.List;

/** Renders {@link Network#summary()} and {@link Network#summaryJson()}. */
final class Summary {
    private Summary() {}

    private record Row(String layer, String type, Shape shape, long params, long macs, List<String> from) {}

    private static List<Row> rows(Network net) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("input", "Input", net.inputShape(), 0, 0, List.of()));
        for (Port p : net.layers()) {
            List<Shape> in = p.inputs().stream().map(Port::shape).toList();
            long params = p.layer().params(in).stream().filter(s -> s.sharedWith() == null).mapToLong(s -> s.shape().size()).sum();
            rows.add(new Row(p.name(), p.layer().type(), p.shape(), params, p.layer().macs(in, p.shape()),
                    p.inputs().stream().map(Port::name).toList()));
        }
        return rows;
    }

    static String text(Network net) {
        List<Row> rows = rows(net);
        boolean branches = net.layers().stream().anyMatch(p -> p.inputs().size() > 1);
        StringBuilder b = new StringBuilder("Model: ").append(net.name()).append('\n');
        int width = 28; // the layer column grows to fit long names (layer4.0.downsample.1 (BatchNorm))
        for (Row r : rows) width = Math.max(width, r.layer.length() + r.type.length() + 3);
        String fmt = branches ? "%-" + width + "s %-16s %12s %16s  %s%n" : "%-" + width + "s %-16s %12s %16s%n";
        String head = String.format(fmt, "Layer (type)", "Output shape", "Params", "MACs", "Inputs");
        String rule = "=".repeat(head.length() - 1) + "\n";
        b.append(rule).append(head).append(rule);
        for (Row r : rows) {
            b.append(String.format(fmt, r.layer + " (" + r.type + ")", r.shape.pretty(), group(r.params), group(r.macs),
                    String.join(", ", r.from)));
        }
        b.append(rule);
        b.append("Total params: ").append(group(net.paramCount())).append('\n');
        for (Port p : net.layers()) {
            if (p.layer() instanceof Dense d && d.tiedTo() != null) {
                b.append("Tied: ").append(d.name()).append(" reads ").append(d.tiedTo().name()).append(".weight transposed (counted once)\n");
            }
        }
        b.append("Total MACs per sample: ").append(group(net.macs())).append('\n');
        return b.toString();
    }

    static String json(Network net) {
        StringBuilder b = new StringBuilder("{\"model\": \"").append(net.name()).append("\", \"params\": ").append(net.paramCount())
                .append(", \"macs\": ").append(net.macs()).append(", \"input\": ").append(net.inputShape()).append(", \"layers\": [");
        List<Row> rows = rows(net);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) b.append(", ");
            b.append("{\"name\": \"").append(r.layer).append("\", \"type\": \"").append(r.type).append("\", \"output\": ")
                    .append(r.shape).append(", \"params\": ").append(r.params).append(", \"macs\": ").append(r.macs).append('}');
        }
        return b.append("]}").toString();
    }

    static String group(long n) { return String.format("%,d", n); }
}
