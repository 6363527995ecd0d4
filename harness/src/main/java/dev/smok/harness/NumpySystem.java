/*
 * NumpySystem: numpy's matmul (OpenBLAS sgemm) in a python3 subprocess, the ceiling for the
 * sgemm workloads. The subprocess times its own loop so the pipe's latency is not measured.
 */
package dev.smok.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * numpy/OpenBLAS through {@code python3}. The subprocess runs without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (so OpenBLAS picks its kernel for this CPU, reported by {@link #describe()})
 * and with {@code OPENBLAS_NUM_THREADS} = {@link ThreadBudget#count()}. Sgemm only.
 */
public final class NumpySystem implements BenchSystem {
    private String info; // JSON line from the script's "info", once known

    @Override public String name() { return "numpy"; }

    @Override public String describe() {
        if (info == null) {
            try (Worker p = new Worker()) {
                info = p.ask("info");
            } catch (IOException | RuntimeException e) {
                info = "not available: " + e.getMessage();
            }
        }
        return "numpy/OpenBLAS via python3, OPENBLAS_NUM_THREADS=" + ThreadBudget.count() + ": " + info;
    }

    @Override public String unsupported(Workload w, WorkloadData data) {
        if (w.kind() != Workload.Kind.SGEMM) return "n/a: sgemm only";
        return null;
    }

    @Override public Session open(WorkloadData d) throws IOException {
        Workload w = d.workload;
        Worker p = new Worker();
        try {
            Path dir = Files.createTempDirectory("smok-numpy");
            Path a = write(dir.resolve("a.bin"), d.a), b = write(dir.resolve("b.bin"), d.b), c = dir.resolve("c.bin");
            p.expectOk(p.ask("load " + w.m() + " " + w.k() + " " + w.n() + " " + a + " " + b));
            Files.delete(a);
            Files.delete(b);
            return new Session() {
                @Override public Outputs check() throws IOException {
                    p.expectOk(p.ask("check " + c));
                    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(c)).order(ByteOrder.LITTLE_ENDIAN);
                    float[] out = new float[w.m() * w.n()];
                    bytes.asFloatBuffer().get(out);
                    Files.delete(c);
                    return new Outputs().put("c", out);
                }
                @Override public long timeWindow(int iterations) throws IOException {
                    return Long.parseLong(p.ask("time " + iterations).trim());
                }
                @Override public int threads() { return ThreadBudget.count(); }
                @Override public long[] helperPids() { return new long[] {p.process.pid()}; }
                @Override public void close() throws IOException {
                    p.close();
                    Files.deleteIfExists(dir);
                }
            };
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private static Path write(Path file, float[] v) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        return Files.write(file, bb.array());
    }

    /** The python3 subprocess running numpy_sgemm.py. */
    private static final class Worker implements AutoCloseable {
        final Process process;
        final PrintWriter in;
        final BufferedReader out;

        Worker() throws IOException {
            Path script = Files.createTempFile("smok-numpy", ".py");
            try (InputStream s = NumpySystem.class.getResourceAsStream("numpy_sgemm.py")) {
                Files.write(script, s.readAllBytes());
            }
            script.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder("python3", "-u", script.toString());
            pb.environment().remove("OPENBLAS_CORETYPE");
            pb.environment().remove("OPENBLAS_L2_SIZE");
            pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(ThreadBudget.count()));
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new IOException("cannot start python3 (" + e.getMessage() + ")", e);
            }
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String ask(String command) throws IOException {
            in.println(command);
            String line = out.readLine();
            if (line == null) throw new IOException("python3 numpy worker exited (is numpy installed?)");
            if (line.startsWith("error")) throw new IOException("numpy worker: " + line);
            return line;
        }

        void expectOk(String answer) throws IOException {
            if (!answer.equals("ok")) throw new IOException("numpy worker answered '" + answer + "'");
        }

        @Override public void close() {
            in.println("quit");
            in.close();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
