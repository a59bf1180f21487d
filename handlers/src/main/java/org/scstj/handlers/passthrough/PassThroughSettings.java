package org.scstj.handlers.passthrough;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.scstj.handlers.common.DeviceKeys;

import java.util.List;
import java.util.Set;

/**
 * One pass-through device's settings, read once and checked.
 *
 * @param device      the {@code device} key as given: an SG node, another node of the device, or H:C:T:L
 * @param threads     how many commands may wait in SG_IO at once (the bounded pool)
 * @param timeoutMs   the kernel's timeout of each command
 * @param maxTransfer the largest transfer of one command in bytes, or 0: what the driver reports
 */
record PassThroughSettings(String device, int threads, int timeoutMs, long maxTransfer) {
    static final String DEVICE = "device";
    static final String THREADS = "threads";
    static final String TIMEOUT = "timeout";
    static final String MAX_TRANSFER = "max-transfer";
    static final Set<String> KEYS = Set.of(DEVICE, THREADS, TIMEOUT, MAX_TRANSFER);
    static final int MAX_THREADS = 256;

    /** Reads the settings; {@code problems} collects "key: message" lines. Opens nothing. */
    static PassThroughSettings read(String handler, Config device, List<String> problems) {
        Config c = DeviceKeys.withDefaults(handler, device);
        problems.addAll(DeviceKeys.unknownKeys(handler, device, KEYS));
        String node = null;
        if (!c.hasPath(DEVICE)) {
            problems.add(DEVICE + ": required: the SCSI device, as /dev/sgN, another node of it (/dev/sdb,"
                    + " /dev/nst0, /dev/disk/by-id/...) or host:channel:target:lun");
        } else {
            try {
                node = c.getString(DEVICE);
                if (node.isBlank()) {
                    problems.add(DEVICE + ": empty");
                    node = null;
                }
            } catch (ConfigException e) {
                problems.add(DEVICE + ": expected a path or host:channel:target:lun, " + e.getMessage());
            }
        }
        int threads = 4;
        try {
            threads = c.getInt(THREADS);
            if (threads < 1 || threads > MAX_THREADS) {
                problems.add(THREADS + ": must be 1.." + MAX_THREADS + ", was " + threads);
            }
        } catch (ConfigException e) {
            problems.add(THREADS + ": " + e.getMessage());
        }
        long timeout = 60_000;
        try {
            timeout = c.getDuration(TIMEOUT, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (timeout < 1000 || timeout > Integer.MAX_VALUE) {
                problems.add(TIMEOUT + ": must be 1s..24d, was " + c.getValue(TIMEOUT).render());
            }
        } catch (ConfigException e) {
            problems.add(TIMEOUT + ": not a duration (give one such as 60s, 30m, 4h): " + e.getMessage());
        }
        long maxTransfer = 0;
        if (c.hasPath(MAX_TRANSFER)) {
            try {
                maxTransfer = c.getBytes(MAX_TRANSFER);
                if (maxTransfer < 512 || maxTransfer > Integer.MAX_VALUE) {
                    problems.add(MAX_TRANSFER + ": must be 512 bytes..2G, was " + maxTransfer);
                }
            } catch (ConfigException e) {
                problems.add(MAX_TRANSFER + ": not a size (give one such as 512K, 1M): " + e.getMessage());
            }
        }
        return new PassThroughSettings(node, threads, (int) Math.min(timeout, Integer.MAX_VALUE), maxTransfer);
    }
}
