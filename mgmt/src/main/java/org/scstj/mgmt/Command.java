package org.scstj.mgmt;

import org.scstj.mgmt.config.Portal;

import java.nio.file.Path;

/** A parsed command line: one record per sub-command. */
public sealed interface Command {

    /** {@code help [TOPIC]}, {@code --help}, or {@code SUBCOMMAND --help}; topic null for the overview. */
    record Help(String topic) implements Command {
    }

    /** {@code serve -c FILE}: the daemon in the foreground. */
    record Serve(Path config, boolean verbose) implements Command {
    }

    /** {@code check -c FILE}: validate only. */
    record Check(Path config) implements Command {
    }

    /** {@code demo [--listen HOST:PORT] [--state-dir DIR]}: the embedded demo configuration. */
    record Demo(Portal listen, Path stateDir, boolean verbose) implements Command {
        public static final Portal DEFAULT_LISTEN = new Portal("127.0.0.1", 3260);
        public static final Path DEFAULT_STATE_DIR = Path.of("state");
    }

    /** {@code admin ...}: the running daemon's admin API (picocli parses the rest). */
    record Admin(java.util.List<String> args) implements Command {
    }

    /** {@code import FILE ...}: an SCST or LIO configuration as scstj HOCON (picocli parses the rest). */
    record Import(java.util.List<String> args) implements Command {
    }
}
