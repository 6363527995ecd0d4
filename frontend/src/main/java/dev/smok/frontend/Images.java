package dev.smok.frontend;

import dev.smok.ir.Shape;

/** Checks shared by the image layers (per-sample shapes C×H×W). */
final class Images {
    private Images() {}

    /** {@code x} when it is C×H×W; otherwise an error naming the layer, the shape and the fix. */
    static Shape requireImage(Layer layer, Shape x, String from) {
        if (x.rank() != 3) {
            String got = x.rank() == 1 ? x.pretty() + " (flat)" : x.pretty();
            throw layer.error("needs an image input CxHxW but '" + from + "' gives " + got
                    + "; declare the network input as channels x height x width (e.g. Network.sequential(name, 1, 28, 28))"
                    + " and put flatten() after the image layers");
        }
        return x;
    }
}
