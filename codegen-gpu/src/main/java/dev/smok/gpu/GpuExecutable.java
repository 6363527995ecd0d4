package dev.smok.gpu;

import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.Tensor;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph compiled for a GPU: device buffers per {@link ExecutionPlan} slot, built kernels, and
 * one host {@link Tensor} per input, parameter, state and output.
 *
 * <p>Host/device synchronization contract:
 * <ul>
 *   <li>Data inputs ({@link Role#INPUT}) are copied host to device at the start of every
 *       {@link #run()}.</li>
 *   <li>Parameters and states live on the device between runs. Their host tensors are brought
 *       up to date lazily: {@link #buffer(String)} downloads the device value if a run has changed
 *       it since, and then marks the tensor as possibly written by the caller, so the next run
 *       uploads it first. Holding a parameter's tensor across runs without calling
 *       {@code buffer()} again therefore shows the value as of the last {@code buffer()} call,
 *       and writes made after a later run are not seen; call {@code buffer()} after each run
 *       that you want to observe or edit. Initially every parameter and state is uploaded from
 *       its (zero) host tensor on the first run.</li>
 *   <li>Outputs are copied device to host at the end of every run.</li>
 *   <li>Updates are applied on the device by exchanging buffer handles; nothing is copied.</li>
 * </ul>
 * Not thread-safe. {@link #close()} frees all device memory.
 */
final class GpuExecutable implements Executable {
    private final Graph graph;
    private final ExecutionPlan plan;
    private final DeviceRuntime device;
    private final long[] kernels;
    private final long[] slots;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Set<String> hostNewer = new HashSet<>(), deviceNewer = new HashSet<>();
    private final long[][] args;

    GpuExecutable(Graph graph, ExecutionPlan plan, DeviceRuntime device, String source) {
        this.graph = graph;
        this.plan = plan;
        this.device = device;
        try {
            this.kernels = device.build(source, plan.kernels());
            slots = new long[plan.slotSizes().length];
            for (int s = 0; s < slots.length; s++) slots[s] = device.alloc(plan.slotSizes()[s]);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        args = new long[plan.launches().size()][];
        for (Input in : graph.inputs()) {
            tensors.put(in.name(), Tensor.zeros(in.shape()));
            if (in.role() != Role.INPUT) hostNewer.add(in.name());
        }
        graph.outputs().forEach((k, v) -> tensors.putIfAbsent(k, Tensor.zeros(v.shape())));
    }

    @Override public Graph graph() { return graph; }

    /**
     * The host tensor of an input, parameter, state or output (the same object on every call).
     * For a parameter or state this first downloads its current device value if a run changed it,
     * and schedules an upload before the next run, as the class comment describes.
     */
    @Override public Tensor buffer(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("graph '" + graph.name() + "' has no input or output named '" + name + "'");
        Input in = graph.input(name);
        if (in != null && in.role() != Role.INPUT) {
            if (deviceNewer.remove(name)) device.download(slots[plan.inputSlots().get(name)], t.data(), t.offset(), t.size());
            hostNewer.add(name);
        }
        return t;
    }

    @Override public void run() {
        for (Input in : graph.inputs()) {
            String name = in.name();
            if (in.role() == Role.INPUT || hostNewer.remove(name)) {
                Tensor t = tensors.get(name);
                device.upload(slots[plan.inputSlots().get(name)], t.data(), t.offset(), t.size());
            }
        }
        List<ExecutionPlan.Launch> launches = plan.launches();
        for (int k = 0; k < launches.size(); k++) {
            ExecutionPlan.Launch launch = launches.get(k);
            int[] bind = launch.slots();
            long[] a = args[k] == null ? (args[k] = new long[bind.length]) : args[k];
            for (int p = 0; p < bind.length; p++) a[p] = slots[bind[p]];
            device.launch(kernels[launch.kernel()], plan.kernels().get(launch.kernel()), a);
        }
        device.finish();
        plan.outputSlots().forEach((name, slot) -> {
            Tensor t = tensors.get(name);
            device.download(slots[slot], t.data(), t.offset(), t.size());
        });
        for (int[] swap : plan.swaps()) {
            long x = slots[swap[0]];
            slots[swap[0]] = slots[swap[1]];
            slots[swap[1]] = x;
        }
        deviceNewer.addAll(graph.updates().keySet());
    }

    @Override public void close() { device.close(); }
}
