/*
 * SystemProvider: the service interface (java.util.ServiceLoader) through which modules
 * contribute systems; the core provides Smok and numpy, harness-peers provides the peers.
 */
package dev.smok.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Contributes systems to the harness; registered in {@code META-INF/services/dev.smok.harness.SystemProvider}. */
public interface SystemProvider {
    /** This provider's systems; {@code peers} is false when the user did not ask for peers (then return none or only cheap ones). */
    List<BenchSystem> systems(boolean peers);

    /** Every system of every provider on the class path, providers in class-path order. */
    static List<BenchSystem> all(boolean peers) {
        List<BenchSystem> out = new ArrayList<>();
        for (SystemProvider p : ServiceLoader.load(SystemProvider.class)) out.addAll(p.systems(peers));
        return out;
    }
}
