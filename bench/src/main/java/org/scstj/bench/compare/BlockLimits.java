package org.scstj.bench.compare;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LUN's transfer limits from its Block Limits VPD page (SBC-4 6.6.4), as libiscsi's
 * {@code iscsi-inq -e 1 -c 176 URL} prints them ({@code maximum transfer length:16384}). QEMU's
 * iscsi driver splits larger requests, so they tell whether both targets see 1 MiB writes as one
 * command each. 0 means "no limit reported".
 *
 * @param maxTransferBlocks     MAXIMUM TRANSFER LENGTH, in logical blocks
 * @param optimalTransferBlocks OPTIMAL TRANSFER LENGTH, in logical blocks
 */
record BlockLimits(long maxTransferBlocks, long optimalTransferBlocks) {
    private static final Pattern MAX = Pattern.compile("(?m)^maximum transfer length:\\s*(\\d+)\\s*$");
    private static final Pattern OPTIMAL = Pattern.compile("(?m)^optimal transfer length:\\s*(\\d+)\\s*$");

    /** Parses {@code iscsi-inq -e 1 -c 176} output; fails when the page's lengths are not there. */
    static BlockLimits parse(String output) throws BenchFailure {
        OptionalLong max = find(MAX, output);
        OptionalLong optimal = find(OPTIMAL, output);
        if (max.isEmpty() || optimal.isEmpty()) {
            throw new BenchFailure("no Block Limits in iscsi-inq's output: " + output.strip());
        }
        return new BlockLimits(max.getAsLong(), optimal.getAsLong());
    }

    private static OptionalLong find(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** True when a request of {@code bytes} goes out as one command (blocks of {@code blockSize}). */
    boolean fitsOneCommand(long bytes, int blockSize) {
        return maxTransferBlocks == 0 || bytes / blockSize <= maxTransferBlocks;
    }

    /** The maximum for the report: "16384 blocks" or "no limit". */
    String describeMax() {
        return maxTransferBlocks == 0 ? "no limit" : maxTransferBlocks + " blocks";
    }
}
