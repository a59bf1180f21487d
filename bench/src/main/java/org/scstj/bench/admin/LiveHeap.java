package org.scstj.bench.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's live heap: a full collection ({@code jcmd PID GC.run}), then the used size of its
 * heap's generations ({@code jcmd PID GC.heap_info}). RSS alone does not tell a growing heap from
 * garbage the collector has not needed to reclaim yet.
 */
final class LiveHeap {
    /** A generation's line: "PSYoungGen total 76288K, used 1310K [...]" (Metaspace lines are not heap). */
    private static final Pattern USED = Pattern.compile("^\\s*(.+?)\\s+total \\d+K, used (\\d+)K");

    private LiveHeap() {
    }

    /** The used KiB of every heap generation in {@code GC.heap_info} text, or empty when none is named. */
    static OptionalLong usedKib(String heapInfo) {
        long used = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            Matcher m = USED.matcher(line);
            if (m.find() && !m.group(1).startsWith("Metaspace") && !m.group(1).startsWith("class")) {
                used += Long.parseLong(m.group(2));
                found = true;
            }
        }
        return found ? OptionalLong.of(used) : OptionalLong.empty();
    }

    /** Collects, then measures, the heap of {@code process} with the jcmd beside its java; empty when that fails. */
    static OptionalLong afterFullGc(Process process) {
        String java = process.info().command().orElse("");
        if (!java.endsWith("/bin/java")) {
            return OptionalLong.empty();
        }
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        String pid = Long.toString(process.pid());
        if (!Files.isExecutable(jcmd) || run(List.of(jcmd.toString(), pid, "GC.run")) == null) {
            return OptionalLong.empty();
        }
        String info = run(List.of(jcmd.toString(), pid, "GC.heap_info"));
        return info == null ? OptionalLong.empty() : usedKib(info);
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
