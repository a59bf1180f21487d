package org.scstj.bench.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The options of {@code ./scstj conformance}.
 *
 * @param configurations  the configurations to run (all by default)
 * @param out             a file to write the Markdown table to, besides standard output
 * @param dir             where the backing files go (a tmpfs keeps the runs fast)
 * @param logs            a directory to keep the configuration, the daemon's log and each run's output in
 * @param launcher        the {@code ./scstj} launcher that starts the daemon, or empty to start
 *                        {@code org.scstj.mgmt.Main} from this JVM's class path
 * @param initiatorName   {@code iscsi-test-cu -i}: the initiator name of every run (default: the tool's)
 * @param initiatorName2  {@code iscsi-test-cu -I}: the second initiator name, for the tests that
 *                        log in twice (reservations, PREVENT ALLOW between I_T nexuses)
 * @param runTimeout      a run still going after this is stopped and counts as a harness error
 */
record ConformanceOptions(Set<Configuration> configurations, Optional<Path> out, Path dir, Optional<Path> logs,
                          Optional<Path> launcher, Optional<String> initiatorName, Optional<String> initiatorName2,
                          Duration runTimeout) {

    static final String USAGE = """
            Usage: ./scstj conformance [OPTIONS]

            Starts scstj with the conformance matrix configuration: one target on the portals
            127.0.0.1:PORT and 127.0.0.2:PORT (two paths for libiscsi's multipath tests) with
              LUN 0  thin         a 1 GiB thin-provisioned vdisk_fileio file, 512-byte blocks
              LUN 1  thick-4k     a 64 MiB fully provisioned vdisk_fileio file, 4096-byte blocks
              LUN 2  removable    a 64 MiB vdisk_fileio file with a removable medium (left out,
                                  with a note, by a build that refuses the 'removable' key)
              LUN 3  read-only    a 64 MiB pre-filled vdisk_fileio file, read-only
              LUN 4  nullio       a 1 TiB vdisk_nullio device (2^31 blocks)
              LUN 5  physical-4k  a 64 MiB thin vdisk_fileio file, 512-byte blocks on 4096-byte
                                  physical blocks
              LUN 6  sanitize     a 96 MiB thin vdisk_fileio file for SANITIZE to erase
              LUN 7  blockio      vdisk_blockio on a 64 MiB loop device, 512-byte sectors
              LUN 8  blockio-4k   vdisk_blockio on a 64 MiB loop device, 4096-byte sectors
              LUN 9  vcdrom       a vcdrom drive with a 64 MiB pre-filled image
            runs libiscsi's 'iscsi-test-cu -V -d -S' through both portals against each: thin and
            thick-4k every test of family ALL but Sanitize; removable NoMedia, PreventAllow and
            StartStopUnit; read-only ReadOnly; nullio the read, write, verify, pre-fetch and
            capacity suites without the tests that read back what they wrote; physical-4k
            CompareAndWrite, Unmap, WriteSame10 and WriteSame16; sanitize Sanitize; blockio and
            blockio-4k as thin and thick-4k; vcdrom TestUnitReady, Inquiry, Read10, PreventAllow,
            StartStopUnit and NoMedia. It checks after
            each run that the daemon still serves both portals, and prints one Markdown table:
            suite, passed, skipped (with the reasons), failed, merged over the configurations
            (failed anywhere: failed; else passed anywhere: passed; else skipped), a totals row of
            distinct tests, and the failed tests with their first failure lines. Installs
            libiscsi-bin with apt-get when missing (as root).

            Exit status: 0 when no test failed and the daemon stayed up and stopped cleanly;
            1 when a test failed; 2 for a bad command line; 3 for a harness error (the daemon
            died or did not start or stop cleanly, a run was cut short, a tool is missing).

            Options:
              --only LIST            comma-separated configurations to run (default all):
                                     %s
              --out FILE             also write the table (Markdown) to FILE
              --dir DIR              where the backing files go (default /dev/shm, a tmpfs)
              --logs DIR             keep the configuration, the daemon log and every run's
                                     output in DIR (by default they are removed with the files)
              --launcher PATH        the ./scstj launcher that starts the daemon (default: the one
                                     that started this command; without one, org.scstj.mgmt.Main
                                     from the class path)
              -i, --initiator-name IQN    the initiator name of every run (iscsi-test-cu -i;
                                     default iqn.2026-11.org.scstj.conformance:initiator-1)
              -I, --initiator-name-2 IQN  the second initiator name (iscsi-test-cu -I), for the
                                     tests that log in as two initiators (reservations; default
                                     iqn.2026-11.org.scstj.conformance:initiator-2)
              --run-timeout SECONDS  stop a run that takes longer (default 600)
              -h, --help             this text
            """.formatted(Configuration.ids());

    /**
     * The two initiator names every run logs in with by default: libiscsi's reservation tests need
     * a second I_T nexus from another initiator (without -I they skip).
     */
    static final String DEFAULT_INITIATOR_1 = "iqn.2026-11.org.scstj.conformance:initiator-1";
    static final String DEFAULT_INITIATOR_2 = "iqn.2026-11.org.scstj.conformance:initiator-2";

    /** Parses the arguments after {@code conformance}; a bad one is an {@link IllegalArgumentException}. */
    static ConformanceOptions parse(List<String> args) {
        Set<Configuration> configurations = EnumSet.allOf(Configuration.class);
        Path out = null;
        Path dir = Path.of("/dev/shm");
        Path logs = null;
        String launcher = System.getProperty("scstj.launcher", "");
        String name = null;
        String name2 = null;
        Duration timeout = Duration.ofMinutes(10);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String option = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                option = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (option) {
                case "--only", "--out", "--dir", "--logs", "--launcher", "-i", "--initiator-name", "-I", "--initiator-name-2",
                        "--run-timeout" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(option + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (option) {
                        case "--only" -> configurations = Configuration.parseList(value);
                        case "--out" -> out = Path.of(value);
                        case "--dir" -> dir = Path.of(value);
                        case "--logs" -> logs = Path.of(value);
                        case "--launcher" -> launcher = value;
                        case "-i", "--initiator-name" -> name = iqn(option, value);
                        case "-I", "--initiator-name-2" -> name2 = iqn(option, value);
                        default -> timeout = Duration.ofSeconds(seconds(option, value));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new ConformanceOptions(configurations, Optional.ofNullable(out), dir, Optional.ofNullable(logs),
                launcher.isBlank() ? Optional.empty() : Optional.of(Path.of(launcher)),
                Optional.of(name != null ? name : DEFAULT_INITIATOR_1), Optional.of(name2 != null ? name2 : DEFAULT_INITIATOR_2),
                timeout);
    }

    private static String iqn(String option, String value) {
        if (value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(option + " needs an iSCSI name, not '" + value + "'");
        }
        return value;
    }

    private static long seconds(String option, String value) {
        try {
            long n = Long.parseLong(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a number of seconds >= 1, not '" + value + "'");
    }
}
