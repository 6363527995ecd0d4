/*
 * PeerSystems: the peers module's SystemProvider — PyTorch through DJL, ONNX Runtime and
 * Deeplearning4j, all with ThreadBudget.count() intra-op threads (2 unless --threads says otherwise).
 */
package dev.smok.harness.peers;

import dev.smok.harness.BenchSystem;
import dev.smok.harness.SystemProvider;

import java.util.List;

/** Provides the peers when {@code --peers} is given (none otherwise, so their natives never load). */
public final class PeerSystems implements SystemProvider {
    @Override public List<BenchSystem> systems(boolean peers) {
        if (!peers) return List.of();
        return List.of(new DjlSystem(), new OnnxRuntimeSystem(), new Dl4jSystem());
    }
}
