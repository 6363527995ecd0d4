package dev.smok.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Statistics and busy-window flagging on synthetic data (no timing). */
class StatsAndLoadTest {
    static final MachineLoad.Window QUIET = new MachineLoad.Window(0.02, 0.5, 20);
    static final MachineLoad.Window BUSY = new MachineLoad.Window(0.60, 0.4, 20);

    @Test void medianAndBest() {
        assertEquals(3, Stats.median(new double[] {5, 1, 3}));
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
        assertEquals(1, Stats.best(new double[] {4, 1, 3, 2}));
        assertEquals(7, Stats.median(new double[] {7}));
        assertThrows(IllegalArgumentException.class, () -> Stats.median(new double[0]));
        double[] v = {10, 1, 1, 1};
        Stats.median(v);
        assertEquals(10, v[0], "median must not reorder its argument");
    }

    @Test void relativeIqr() {
        assertEquals(0, Stats.relativeIqr(new double[] {2, 2, 2, 2}));
        assertEquals((4 - 2) / 3.0, Stats.relativeIqr(new double[] {1, 2, 3, 4, 5}), 1e-12);
    }

    @Test void busyWindowsAreLeftOutWhenMostWindowsAreQuiet() {
        List<Stats.Window> w = new ArrayList<>();
        w.add(new Stats.Window(10, 1, QUIET));
        w.add(new Stats.Window(11, 1, QUIET));
        w.add(new Stats.Window(12, 1, QUIET));
        w.add(new Stats.Window(40, 1, BUSY));
        w.add(new Stats.Window(5, 1, BUSY)); // a busy window must not set the best either
        Stats.Summary s = Stats.summarize(w, 0.15);
        assertEquals(11, s.median());
        assertEquals(10, s.best());
        assertEquals(5, s.windows());
        assertEquals(2, s.busyWindows());
        assertTrue(s.fromQuietWindowsOnly());
    }

    @Test void allWindowsCountWhenMostAreBusy() {
        List<Stats.Window> w = List.of(new Stats.Window(10, 1, QUIET), new Stats.Window(20, 1, BUSY), new Stats.Window(30, 1, BUSY));
        Stats.Summary s = Stats.summarize(w, 0.15);
        assertEquals(20, s.median());
        assertEquals(10, s.best());
        assertEquals(2, s.busyWindows());
        assertFalse(s.fromQuietWindowsOnly());
    }

    @Test void parsesProcStatCpuLine() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        long[] c = MachineLoad.parseCpuLine("cpu  100 5 50 800 20 3 2 0 7 0");
        assertEquals(100 + 5 + 50 + 3 + 2, c[0]);
        assertEquals(980, c[1]);
        assertThrows(IllegalArgumentException.class, () -> MachineLoad.parseCpuLine("cpu0 1 2 3 4"));
    }

    @Test void parsesProcessTicksEvenWithSpacesInTheName() {
        String stat = "1234 (my (odd) proc) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 5 0 100 0 0";
        assertEquals(325, MachineLoad.processTicks(stat));
    }

    @Test void othersShareIsTheMachinesBusyTimeMinusOurs() {
        var before = new MachineLoad.Snapshot(1000, 5000, 300, 10);
        var after = new MachineLoad.Snapshot(1000 + 160, 5000 + 200, 300 + 100, 12); // 200 ticks = 1 s on 2 CPUs
        MachineLoad.Window w = MachineLoad.between(before, after);
        assertEquals(0.30, w.othersShare(), 1e-12);
        assertEquals(0.50, w.ownShare(), 1e-12);
        assertEquals(12, w.threads());
        assertTrue(w.busy(0.15));
        assertFalse(w.busy(0.30));
    }

    @Test void ourOwnLoadNeverFlagsAWindow() {
        var before = new MachineLoad.Snapshot(0, 0, 0, 1);
        var after = new MachineLoad.Snapshot(200, 200, 200, 1); // both CPUs fully busy, all of it ours
        MachineLoad.Window w = MachineLoad.between(before, after);
        assertEquals(0, w.othersShare(), 1e-12);
        assertFalse(w.busy());
    }

    @Test void unknownLoadIsNotBusy() {
        var broken = new MachineLoad.Snapshot(-1, -1, 0, 0);
        MachineLoad.Window w = MachineLoad.between(broken, broken);
        assertTrue(Double.isNaN(w.othersShare()));
        assertFalse(w.busy());
    }

    @Test void liveSnapshotReadsProc() {
        MachineLoad.Snapshot s = MachineLoad.snapshot(new long[] {ProcessHandle.current().pid()});
        if (s.totalTicks() < 0) return; // no /proc here
        assertTrue(s.totalTicks() > 0 && s.busyTicks() <= s.totalTicks());
        assertTrue(s.ownThreads() > 1);
    }
}
