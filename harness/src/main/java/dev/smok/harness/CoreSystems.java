/*
 * CoreSystems: the systems that need nothing beyond the core build — Smok with each backend
 * in SmokSystem.BACKENDS, and numpy (python3) as the sgemm ceiling.
 */
package dev.smok.harness;

import java.util.ArrayList;
import java.util.List;

/** The core build's {@link SystemProvider}: Smok's backends and numpy. */
public final class CoreSystems implements SystemProvider {
    @Override public List<BenchSystem> systems(boolean peers) {
        List<BenchSystem> out = new ArrayList<>();
        for (String b : SmokSystem.BACKENDS) out.add(new SmokSystem(b));
        out.add(new NumpySystem());
        return out;
    }
}
