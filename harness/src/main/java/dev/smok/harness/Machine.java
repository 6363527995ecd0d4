/*
 * Machine: a one-line description of the machine a report was measured on.
 */
package dev.smok.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/** CPU model, logical CPUs, memory, OS and JDK in one line. */
public final class Machine {
    private Machine() {}

    public static String describe() {
        String cpu = "unknown CPU";
        long memGiB = 0;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) { cpu = l.substring(l.indexOf(':') + 1).trim(); break; }
            }
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) memGiB = Math.round(Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0);
            }
        } catch (Exception e) {
            // not Linux: keep the defaults
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, " + memGiB + " GiB, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", JDK " + Runtime.version();
    }
}
