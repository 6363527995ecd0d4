/*
 * PeerSystems: the peers module's SystemProvider — PyTorch through DJL, ONNX Runtime and
 * Deeplearning4j, all with PEER_THREADS intra-op threads.
 */
package dev.smok.harness.peers;

import dev.smok.harness.BenchSystem;
import dev.smok.harness.SystemProvider;

import java.util.List;

/** Provides the peers when {@code --peers} is given (none otherwise, so their natives never load). */
public final class PeerSystems implements SystemProvider {
    /** Intra-op threads every peer computes with. */
    public static final int PEER_THREADS = 2;

    @Override public List<BenchSystem> systems(boolean peers) {
        if (!peers) return List.of();
        return List.of(new DjlSystem(), new OnnxRuntimeSystem(), new Dl4jSystem());
    }
}
