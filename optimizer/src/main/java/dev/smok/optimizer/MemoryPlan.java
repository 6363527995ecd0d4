package dev.smok.optimizer;

import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IR-level memory report: live ranges of every intermediate buffer and the size of the
 * arena a greedy planner packs them into. Backends make their own plans (the CPU backend plans
 * its own arena); this one is the backend-independent estimate {@code smok compile} prints.
 *
 * <p>What needs a buffer: every node result except values internal to a fused kernel (see
 * {@link FusionPlan#isInternal}). Graph inputs, parameters and states live in the executable's
 * own buffers and are not in the arena. Time is the kernel schedule: a node runs at
 * {@link FusionPlan#time}; a buffer is live from the time its producer runs to the last time a
 * consumer runs; graph outputs and update values stay live to the end of the run.
 *
 * <p>Algorithm (greedy by size, as in TFLite's arena planner): take buffers from largest to
 * smallest; place each at the lowest offset, aligned to {@link #ALIGNMENT} bytes, where it
 * overlaps no already placed buffer whose live range intersects its own. The result is at least
 * {@link #peakLiveBytes()} (the most bytes live at one time, a lower bound for any plan) and at
 * most {@link #totalBytes()} (every buffer separate).
 */
public final class MemoryPlan {
    /** Offsets are multiples of this many bytes (a cache line; also 512-bit vector alignment). */
    public static final int ALIGNMENT = 64;

    /** One buffer: the value, its live range in schedule positions (inclusive) and its place. */
    public record Buffer(Value value, int start, int end, long bytes, long offset) {
        boolean overlapsInTime(Buffer o) { return start <= o.end && o.start <= end; }
    }

    private final List<Buffer> buffers;
    private final long arenaBytes, totalBytes, peakLiveBytes;
    private final Map<Value, Integer> numbers;

    private MemoryPlan(List<Buffer> buffers, long arenaBytes, long totalBytes, long peakLiveBytes, Map<Value, Integer> numbers) {
        this.buffers = List.copyOf(buffers);
        this.arenaBytes = arenaBytes;
        this.totalBytes = totalBytes;
        this.peakLiveBytes = peakLiveBytes;
        this.numbers = numbers;
    }

    /** The plan for {@code g} with its {@link FusionPlan} (fused intermediates need no buffer). */
    public static MemoryPlan of(Graph g) { return of(g, FusionPlan.of(g)); }

    /** The plan for {@code g} under the given fusion plan of the same graph. */
    public static MemoryPlan of(Graph g, FusionPlan fusion) {
        int endOfRun = g.nodes().size();
        Map<Value, Integer> lastUse = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            for (Value v : n.inputs()) lastUse.merge(v, fusion.time(n), Math::max);
        }
        for (Value v : g.outputs().values()) lastUse.put(v, endOfRun);
        for (Value v : g.updates().values()) lastUse.put(v, endOfRun);
        List<Buffer> wanted = new ArrayList<>();
        Map<Value, Integer> numbers = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            numbers.put(n.out(), numbers.size());
            if (fusion.isInternal(n.out())) continue;
            int start = fusion.time(n);
            int end = lastUse.getOrDefault(n.out(), start); // unread: live while it is written
            wanted.add(new Buffer(n.out(), start, end, bytes(n.out()), -1));
        }
        List<Buffer> order = new ArrayList<>(wanted);
        order.sort(Comparator.comparingLong(Buffer::bytes).reversed().thenComparingInt(Buffer::start));
        List<Buffer> placed = new ArrayList<>();
        long arena = 0, total = 0;
        for (Buffer buf : order) {
            List<Buffer> conflicts = new ArrayList<>();
            for (Buffer p : placed) if (p.overlapsInTime(buf)) conflicts.add(p);
            conflicts.sort(Comparator.comparingLong(Buffer::offset));
            long offset = 0;
            for (Buffer c : conflicts) {
                if (offset + buf.bytes() <= c.offset()) break;
                offset = Math.max(offset, align(c.offset() + c.bytes()));
            }
            Buffer p = new Buffer(buf.value(), buf.start(), buf.end(), buf.bytes(), offset);
            placed.add(p);
            arena = Math.max(arena, offset + buf.bytes());
            total += align(buf.bytes());
        }
        placed.sort(Comparator.comparingInt((Buffer b) -> numbers.get(b.value())));
        long peak = 0;
        for (int t = 0; t <= endOfRun; t++) {
            long live = 0;
            for (Buffer b : placed) if (b.start() <= t && t <= b.end()) live += b.bytes();
            peak = Math.max(peak, live);
        }
        return new MemoryPlan(placed, arena, total, peak, numbers);
    }

    private static long bytes(Value v) { return 4L * v.shape().size(); }

    private static long align(long n) { return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT; }

    /** The buffers, in node order, with their offsets in the arena. */
    public List<Buffer> buffers() { return buffers; }

    /** Bytes of the arena the greedy planner needs. */
    public long arenaBytes() { return arenaBytes; }

    /** Bytes if every buffer had its own memory (no reuse). */
    public long totalBytes() { return totalBytes; }

    /** The most bytes live at any one time: no plan can use less. */
    public long peakLiveBytes() { return peakLiveBytes; }

    /**
     * A table, one line per buffer, with values numbered as {@link dev.smok.ir.IrPrinter}
     * numbers them, then the totals.
     */
    @Override public String toString() {
        StringBuilder b = new StringBuilder(String.format("%-8s %-18s %9s %12s %12s%n", "value", "shape", "live", "bytes", "offset"));
        for (Buffer buf : buffers) {
            b.append(String.format("%-8s %-18s %4d..%-3d %,12d %,12d%n", "%" + numbers.get(buf.value()), buf.value().shape(),
                    buf.start(), buf.end(), buf.bytes(), buf.offset()));
        }
        b.append(String.format("arena %,d bytes (no reuse %,d, peak live %,d) for %d buffers%n", arenaBytes, totalBytes, peakLiveBytes,
                buffers.size()));
        return b.toString();
    }
}
