package org.scstj.mgmt;

import org.scstj.mgmt.config.Portal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** Parses the arguments into a {@link Command} and holds the help texts. */
public final class CommandLine {
    /** Sub-commands in the order the overview lists them. */
    static final List<String> COMMANDS = List.of("demo", "serve", "check", "admin", "import", "test", "bench", "conformance",
            "install", "help");

    /** The command line was wrong; {@link #topic()} is the sub-command whose usage applies, or null. */
    public static final class UsageException extends Exception {
        private final String topic;

        UsageException(String message, String topic) {
            super(message);
            this.topic = topic;
        }

        public String topic() {
            return topic;
        }
    }

    private CommandLine() {
    }

    public static Command parse(String... args) throws UsageException {
        Deque<String> rest = new ArrayDeque<>(List.of(args));
        if (rest.isEmpty()) {
            throw new UsageException("no command given", null);
        }
        String name = rest.removeFirst();
        return switch (name) {
            case "-h", "--help", "help" -> help(rest);
            case "serve" -> {
                Options o = options(name, rest, false);
                yield o.help ? new Command.Help(name) : new Command.Serve(o.requireConfig(name), o.verbose);
            }
            case "check" -> {
                Options o = options(name, rest, false);
                yield o.help ? new Command.Help(name) : new Command.Check(o.requireConfig(name));
            }
            case "demo" -> {
                Options o = options(name, rest, true);
                yield o.help ? new Command.Help(name) : new Command.Demo(
                        o.listen == null ? Command.Demo.DEFAULT_LISTEN : o.listen,
                        o.stateDir == null ? Command.Demo.DEFAULT_STATE_DIR : o.stateDir, o.verbose);
            }
            case "admin" -> new Command.Admin(List.copyOf(rest));
            case "import" -> new Command.Import(List.copyOf(rest));
            case "test" -> throw new UsageException("'test' is run by the launcher: ./scstj test", "test");
            case "bench" -> throw new UsageException("'bench' is run by the launcher: ./scstj bench", "bench");
            case "conformance" -> throw new UsageException("'conformance' is run by the launcher: ./scstj conformance",
                    "conformance");
            case "install" -> throw new UsageException("'install' is run by the launcher: ./scstj install --prefix DIR",
                    "install");
            default -> throw new UsageException("unknown command '" + name + "'", null);
        };
    }

    private static Command help(Deque<String> rest) throws UsageException {
        if (rest.isEmpty()) {
            return new Command.Help(null);
        }
        String topic = rest.removeFirst();
        if (!HELP.containsKey(topic)) {
            throw new UsageException("no help for '" + topic + "': not a command", null);
        }
        if (!rest.isEmpty()) {
            throw new UsageException("unexpected argument '" + rest.getFirst() + "'", "help");
        }
        return new Command.Help(topic);
    }

    private static final class Options {
        Path config;
        Portal listen;
        Path stateDir;
        boolean verbose;
        boolean help;

        Path requireConfig(String command) throws UsageException {
            if (config == null) {
                throw new UsageException("missing -c FILE", command);
            }
            return config;
        }
    }

    private static Options options(String command, Deque<String> rest, boolean demo) throws UsageException {
        Options o = new Options();
        while (!rest.isEmpty()) {
            String arg = rest.removeFirst();
            String inline = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                inline = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            switch (arg) {
                case "-h", "--help" -> o.help = true;
                case "-v", "--verbose" -> o.verbose = true;
                case "-c", "--config" -> {
                    if (demo) {
                        throw new UsageException("demo serves its own configuration; use serve -c FILE", command);
                    }
                    o.config = path(arg, value(command, arg, inline, rest), command);
                }
                case "--listen" -> {
                    if (!demo) {
                        throw new UsageException("unknown option '--listen' (portals are set in the configuration)", command);
                    }
                    String v = value(command, arg, inline, rest);
                    o.listen = Portal.parse(v).orElseThrow(() -> new UsageException(
                            "--listen wants HOST:PORT with a port 1..65535 (e.g. 0.0.0.0:3260 or [::1]:3260), not '" + v + "'", command));
                }
                case "--state-dir" -> {
                    if (!demo) {
                        throw new UsageException("unknown option '--state-dir' (set scstj.state-dir in the configuration)", command);
                    }
                    o.stateDir = path(arg, value(command, arg, inline, rest), command);
                }
                default -> throw new UsageException(arg.startsWith("-")
                        ? "unknown option '" + arg + "'" : "unexpected argument '" + arg + "'", command);
            }
        }
        return o;
    }

    private static String value(String command, String option, String inline, Deque<String> rest) throws UsageException {
        if (inline != null) {
            return inline;
        }
        if (rest.isEmpty() || rest.getFirst().isEmpty()) {
            throw new UsageException(option + " needs a value", command);
        }
        return rest.removeFirst();
    }

    private static Path path(String option, String value, String command) throws UsageException {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(option + ": not a path: " + value, command);
        }
    }

    /** The help text for a topic (null: the overview). */
    public static String help(String topic) {
        return topic == null ? OVERVIEW : HELP.get(topic);
    }

    /** The short usage printed with a usage error. */
    public static String usage(String topic) {
        String text = help(topic);
        return text.substring(0, text.indexOf("\n\n") + 1);
    }

    private static final String OVERVIEW = """
            Usage: scstj <command> [options]
                   scstj help [<command>]

            scstj turns this machine into a SCSI storage array: it exports files and null
            devices as SCSI logical units over iSCSI (TCP), with per-initiator LUN masking.

            Commands:
              demo    serve a demo target from a built-in configuration (a 1 GiB thin file disk
                      and a 1 TiB null disk on 127.0.0.1:3260); prints the URLs to try
              serve   run the target in the foreground from a configuration file (-c FILE)
              check   validate a configuration file (-c FILE) and print OK or its problems
              admin   see and change the running daemon: ls, get, set, device add|remove|resize,
                      lun, group, initiator, target, portal, session list|close|logout, plan,
                      apply, show-config, write-config, shell ('scstj admin --help')
              import  write an scstj configuration from SCST's scst.conf or targetcli's
                      saveconfig.json, naming what has no equivalent ('scstj import --help')
              test    (launcher ./scstj only) install the iSCSI test tools and run every test
              bench   (launcher ./scstj only) compare scstj with tgtd end to end, or run the JMH
                      micro-benchmarks
              conformance  (launcher ./scstj only) run libiscsi's iscsi-test-cu against every kind of
                      LU (thin, 4K, removable, read-only, null, two portals) and print one table
              install (launcher ./scstj only) install scstj under a prefix with a systemd unit and an
                      example configuration ('./scstj install --help')
              help    this text; 'help <command>' explains one command and its options

            Exit status: 0 success, 1 a refused configuration or a failure to start, 2 a usage error.
            Configuration reference: README.md and docs/configuration.md.
            """;

    private static final Map<String, String> HELP = Map.ofEntries(Map.entry("admin", """
                    Usage: scstj admin [--state-dir DIR] [--url URL] [--token-file FILE] [--json] COMMAND

                    Talks to the running daemon's admin API (docs/admin.md). It finds the daemon
                    and its token in the daemon's state-dir (DIR/admin/url, DIR/admin/admin.token).
                    'scstj admin --help' lists every command; 'scstj admin COMMAND --help' one.
                    """),
            Map.entry("import", """
                    Usage: scstj import [--from scst|lio] [-o OUT [--force]] [--state-dir DIR] FILE

                    Reads SCST's scst.conf (as scstadmin -write_config writes it) or targetcli's
                    saveconfig.json and prints (or writes to OUT) an equivalent scstj configuration;
                    what has no equivalent is named on stderr as FILE:LINE or FILE:$.path (docs/import.md).
                    """),
            Map.entry("demo", """
                    Usage: scstj demo [--listen HOST:PORT] [--state-dir DIR] [-v]

                    Serves the target iqn.2026-11.org.scstj:demo from a built-in configuration:
                      LUN 0  demo-disk  a 1 GiB thin-provisioned vdisk_fileio disk, the file
                                        DIR/demo-disk.img (created on first use, kept afterwards)
                      LUN 1  demo-null  a 1 TiB vdisk_nullio disk (reads zeros, discards writes)
                    and prints iscsi:// URLs for iscsi-ls, iscsi-inq and qemu-img. Runs in the
                    foreground until SIGTERM or Ctrl-C, then stops cleanly.

                    Options:
                      --listen HOST:PORT  the portal to listen on (default 127.0.0.1:3260;
                                          0.0.0.0:3260 for every interface, [::1]:3260 for IPv6)
                      --state-dir DIR     where the disk image and runtime state live (default
                                          ./state in the current directory, created if missing)
                      -v, --verbose       log at DEBUG level
                      -h, --help          this text
                    """),
            Map.entry("serve", """
                    Usage: scstj serve -c FILE [-v]

                    Validates FILE (as 'check' does), opens every device, starts the iSCSI target
                    driver on the configured portals, logs the portals and targets, and runs in the
                    foreground. On SIGTERM or SIGINT (Ctrl-C) it stops the target driver (ending
                    every session), flushes and closes the devices, and exits 0. A refused
                    configuration, a device that cannot be opened or a portal that cannot be bound
                    exits 1 with the reason.

                    Options:
                      -c, --config FILE   the HOCON configuration (see docs/configuration.md)
                      -v, --verbose       log at DEBUG level
                      -h, --help          this text
                    """),
            Map.entry("check", """
                    Usage: scstj check -c FILE

                    Validates FILE without starting anything: prints 'FILE: OK' and exits 0, or
                    prints every problem on stderr, one a line as FILE:LINE: KEY: PROBLEM, and exits 1.
                    Refused: unknown keys, unknown handler types, LUNs naming missing devices or
                    given twice, LUN numbers outside 0..16383, invalid iSCSI names, sizes that are
                    not sizes, and whatever the device handlers refuse (e.g. a size that does not
                    fit an existing file).

                    Options:
                      -c, --config FILE   the HOCON configuration
                      -h, --help          this text
                    """),
            Map.entry("test", """
                    Usage: ./scstj test [MAVEN ARGUMENTS]

                    Run by the launcher script, not by the JVM: installs the initiator tools the
                    integration tests drive if they are missing (libiscsi-bin, qemu-utils,
                    qemu-block-extra; with apt-get when run as root), then runs every unit and
                    integration test of every module with 'mvn -B verify' on a JDK 25. Exits
                    non-zero when any test fails.
                    """),
            Map.entry("bench", """
                    Usage: ./scstj bench compare [OPTIONS]
                           ./scstj bench micro [JMH ARGUMENTS]
                           ./scstj bench admin [--devices N] [--out FILE]

                    Run by the launcher script: 'compare' installs tgtd and the clients if missing,
                    exports identical tmpfs files and null LUNs from scstj and tgtd on loopback,
                    runs the same clients against each in turn, and prints a Markdown table of
                    IOPS, MB/s, target CPU per I/O and peak RSS ('./scstj bench help compare'
                    lists its options). 'micro' runs the JMH benchmarks of the bench module.
                    'admin' adds 1,000 devices and LUNs through the admin API and reports the
                    time per change at the start and at the end ('./scstj bench help admin').
                    See docs/performance.md.
                    """),
            Map.entry("conformance", """
                    Usage: ./scstj conformance [OPTIONS]

                    Run by the launcher script: installs libiscsi-bin if missing, serves a matrix
                    of logical units (thin and thick fileio, 4 KiB blocks, 4 KiB physical blocks,
                    removable, read-only, nullio, one for SANITIZE) on 127.0.0.1 and 127.0.0.2,
                    runs 'iscsi-test-cu -V -d -S' against each, and prints one Markdown table:
                    suite, passed, skipped (with reasons), failed. Exits 1 when a test failed.
                    './scstj conformance --help' lists its options; see docs/conformance.md.
                    """),
            Map.entry("install", """
                    Usage: ./scstj install --prefix DIR [--config-dir DIR] [--unit-dir DIR]

                    Run by the launcher script: builds if needed, copies the jars to PREFIX/lib/scstj,
                    writes PREFIX/bin/scstj (finds a JDK 25 and runs this command line with the
                    launcher's JVM options), installs packaging/scstj.service into UNIT-DIR (default
                    /etc/systemd/system; '' for none) running PREFIX/bin/scstj serve -c
                    CONFIG-DIR/scstj.conf, and puts an example configuration there (default
                    /etc/scstj) when there is none. Starts nothing; prints the systemctl commands.
                    """),
            Map.entry("help", """
                    Usage: scstj help [<command>]

                    Without a command, lists the commands; with one, explains it and its options.
                    'scstj --help' and 'scstj <command> --help' do the same.
                    """));
}
