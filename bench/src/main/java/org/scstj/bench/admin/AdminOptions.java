package org.scstj.bench.admin;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The options of {@code ./scstj bench admin}.
 *
 * @param devices  devices (and LUNs) to add before the last extra one
 * @param out      a file to write the Markdown report to, besides standard output
 * @param launcher the {@code ./scstj} launcher that starts the daemon, or empty to start
 *                 {@code org.scstj.mgmt.Main} from this JVM's class path
 */
record AdminOptions(int devices, Optional<Path> out, Optional<Path> launcher) {
    static final int DEFAULT_DEVICES = 1000;
    /** LUN numbers go up to 16383 and LUN 0 is taken: device i is LUN i + 1, and one more follows. */
    static final int MAX_DEVICES = 16382;

    static final String USAGE = """
            Usage: ./scstj bench admin [--devices N] [--out FILE] [--launcher PATH]

            The admin plane at scale: starts scstj (through the launcher) with one target whose
            LUN 0 is a vdisk_nullio device, its admin API on a free loopback port and its state in
            a temporary directory; then, one request at a time, adds N vdisk_nullio devices
            (PUT /api/v1/devices/NAME) and maps each as a LUN of the target (PUT
            /api/v1/targets/IQN/luns/I+1), then one more device and one more LUN. Each change
            validates the whole configuration, applies it and rewrites the configuration file,
            so its cost should not grow with the number of objects. Prints a Markdown report:
            median, 90th percentile and slowest change of the first and last 50 device and LUN
            additions and of the extra ones, the total time, the daemon's RSS at start and at the
            end, the configuration file's size and the time of GET /api/v1/tree?depth=12.
            The daemon is stopped with SIGTERM and the directory removed.

            Options:
              --devices N      devices and LUNs to add before the extra one (default %d, at most %d)
              --out FILE       also write the report (Markdown) to FILE
              --launcher PATH  the ./scstj launcher that starts the daemon (default: the one that
                               started this command; "" for org.scstj.mgmt.Main from the class path)
              -h, --help       this text
            """.formatted(DEFAULT_DEVICES, MAX_DEVICES);

    /** Parses the arguments after {@code admin}; the launcher defaults to the {@code scstj.launcher} property. */
    static AdminOptions parse(List<String> args) {
        int devices = DEFAULT_DEVICES;
        String out = "";
        String launcher = System.getProperty("scstj.launcher", "");
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                name = arg.substring(0, arg.indexOf('='));
                value = arg.substring(arg.indexOf('=') + 1);
            }
            if (!List.of("--devices", "--out", "--launcher").contains(name)) {
                throw new IllegalArgumentException(arg.startsWith("-") ? "unknown option " + arg : "unexpected argument " + arg);
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args.get(++i);
            }
            switch (name) {
                case "--devices" -> devices = devices(value);
                case "--out" -> out = value;
                default -> launcher = value;
            }
        }
        return new AdminOptions(devices, out.isBlank() ? Optional.empty() : Optional.of(Path.of(out)),
                launcher.isBlank() ? Optional.empty() : Optional.of(Path.of(launcher)));
    }

    private static int devices(String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--devices wants a number, not " + value);
        }
        if (n < 1 || n > MAX_DEVICES) {
            throw new IllegalArgumentException("--devices wants 1.." + MAX_DEVICES + " (LUN numbers end at 16383), not " + n);
        }
        return n;
    }
}
