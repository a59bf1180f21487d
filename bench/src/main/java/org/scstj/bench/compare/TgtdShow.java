package org.scstj.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The logical units in the output of {@code tgtadm --mode target --op show}, which lists, per
 * target, sections such as
 * <pre>
 *         LUN: 1
 *             Type: disk
 *             Size: 67 MB, Block size: 512
 *             Backing store type: rdwr
 * </pre>
 * ("MB" there are 10^6 bytes, rounded).
 */
final class TgtdShow {
    private static final Pattern LUN = Pattern.compile("^\\s*LUN: (\\d+)\\s*$");
    private static final Pattern SIZE = Pattern.compile("^\\s*Size: (\\d+) MB, Block size: (\\d+)\\s*$");
    private static final Pattern BACKING = Pattern.compile("^\\s*Backing store type: (\\S+)\\s*$");

    /**
     * One logical unit.
     *
     * @param lun       its number
     * @param megabytes its size in 10^6 bytes, as tgtadm rounds it
     * @param blockSize its logical block size
     * @param bstype    its backing store type ({@code rdwr}, {@code null}, ...)
     */
    record Lu(int lun, long megabytes, int blockSize, String bstype) {
    }

    private TgtdShow() {
    }

    /** The logical units listed, by number (of the one target a comparison creates). */
    static Map<Integer, Lu> parse(String show) {
        Map<Integer, Lu> lus = new LinkedHashMap<>();
        Integer lun = null;
        long megabytes = -1;
        int blockSize = -1;
        for (String line : show.split("\\R")) {
            Matcher m;
            if ((m = LUN.matcher(line)).matches()) {
                lun = Integer.parseInt(m.group(1));
                megabytes = -1;
                blockSize = -1;
            } else if (lun != null && (m = SIZE.matcher(line)).matches()) {
                megabytes = Long.parseLong(m.group(1));
                blockSize = Integer.parseInt(m.group(2));
            } else if (lun != null && (m = BACKING.matcher(line)).matches()) {
                lus.put(lun, new Lu(lun, megabytes, blockSize, m.group(1)));
                lun = null;
            }
        }
        return lus;
    }
}
