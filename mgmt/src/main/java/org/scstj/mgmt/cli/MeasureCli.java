package org.scstj.mgmt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code scstj admin latency} and {@code scstj admin jfr}: measuring the running daemon (docs/latency.md). */
final class MeasureCli {
    private MeasureCli() {
    }

    @Command(name = "latency", description = {
            "Shows the per-stage latency histograms of every device (µs), switches them, resets them.",
            "  latency                         the table",
            "  latency --on DEVICE | --off DEVICE",
            "  latency --on --target TARGET    every device the target maps",
            "  latency --reset [--device D]    the table, then empties the histograms"})
    static final class Latency extends AdminCli.Sub {
        @Option(names = "--on", arity = "0..1", fallbackValue = "", paramLabel = "DEVICE",
                description = "measure this device (or, with --target, the target's devices)")
        String on;
        @Option(names = "--off", arity = "0..1", fallbackValue = "", paramLabel = "DEVICE",
                description = "stop measuring this device (or the target's); the counts stay")
        String off;
        @Option(names = "--target", description = "with --on or --off: every device this target maps")
        String target;
        @Option(names = "--device", description = "show (or reset) only this device")
        String device;
        @Option(names = "--reset", description = "empty the histograms after showing them")
        boolean reset;

        @Override
        public Integer call() throws Exception {
            if (on != null && off != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--on or --off, not both");
            }
            String name = on != null ? on : off;
            if (name != null) {
                ObjectNode body = AdminCli.object();
                if (target != null) {
                    if (!name.isEmpty()) {
                        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                                "--target names the devices: give --on or --off without a device");
                    }
                    body.put("target", target);
                } else if (name.isEmpty()) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--on and --off need a DEVICE or --target");
                } else {
                    body.put("device", name);
                }
                body.put("enabled", on != null);
                JsonNode r = client().send("PUT", "/api/v1/latency", body);
                if (root().json) {
                    root().out.println(r.toPrettyString());
                } else {
                    java.util.List<String> names = new java.util.ArrayList<>();
                    r.path("devices").forEach(n -> names.add(n.asText()));
                    root().out.println("latency measurement " + (on != null ? "on" : "off") + ": " + String.join(", ", names));
                }
                return 0;
            } else if (target != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--target goes with --on or --off");
            }
            String query = device == null ? "" : "?device=" + AdminCli.seg(device);
            JsonNode r = reset ? client().send("DELETE", "/api/v1/latency" + query, null)
                    : client().get("/api/v1/latency" + query);
            if (root().json) {
                root().out.println(r.toPrettyString());
                return 0;
            }
            print(r);
            return 0;
        }

        private void print(JsonNode r) {
            var out = root().out;
            for (JsonNode d : r.path("devices")) {
                out.printf("%s  measurement %s, since %s%n", d.path("device").asText(),
                        d.path("enabled").asBoolean() ? "on" : "off", d.path("since").asText());
                if (d.path("stages").isEmpty()) {
                    out.println("  (nothing counted)");
                    continue;
                }
                out.printf("  %-8s %-5s %-5s %10s %10s %10s %10s %10s %10s %10s%n", "STAGE", "OP", "SIZE", "COUNT",
                        "MEAN", "P50", "P90", "P99", "P99.9", "MAX");
                for (JsonNode e : d.path("stages")) {
                    out.printf("  %-8s %-5s %-5s %10d %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f%n", e.path("stage").asText(),
                            e.path("op").asText(), e.path("size").asText(), e.path("count").asLong(),
                            e.path("mean").asDouble(), e.path("p50").asDouble(), e.path("p90").asDouble(),
                            e.path("p99").asDouble(), e.path("p99.9").asDouble(), e.path("max").asDouble());
                }
            }
            out.println("(times in µs" + (r.path("reset").asBoolean() ? "; the histograms are now empty)" : ")"));
        }
    }

    @Command(name = "jfr", description = {
            "The daemon's JDK Flight Recorder recording with scstj's command-stage and task-management events.",
            "  jfr                       is one running?",
            "  jfr start [--settings profile] [--max-age 10m]",
            "  jfr dump FILE             what was recorded so far (FILE on the daemon's host)",
            "  jfr stop [FILE]"},
            subcommands = {JfrStart.class, JfrDump.class, JfrStop.class})
    static final class Jfr extends AdminCli.Sub {
        @Override
        public Integer call() throws Exception {
            JsonNode r = client().get("/api/v1/jfr");
            root().out.println(root().json ? r.toPrettyString() : status(r));
            return 0;
        }
    }

    static String status(JsonNode r) {
        if (!r.path("recording").asBoolean()) {
            return "no recording" + (r.hasNonNull("file") ? "; written to " + r.path("file").asText() : "");
        }
        return "recording " + r.path("name").asText() + " since " + r.path("started").asText()
                + (r.hasNonNull("file") ? "; written to " + r.path("file").asText() : "");
    }

    /** FILE as the daemon needs it: absolute (the CLI usually runs on the daemon's host). */
    static String absolute(String file) {
        return Path.of(file).toAbsolutePath().normalize().toString();
    }

    @Command(name = "start", description = "Starts the recording (the JDK's default settings unless --settings profile).")
    static final class JfrStart extends AdminCli.Sub {
        @Option(names = "--settings", description = "default or profile (the JDK's .jfc)", defaultValue = "default")
        String settings;
        @Option(names = "--max-age", description = "keep only this much (e.g. 10m)")
        String maxAge;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = AdminCli.object();
            body.put("settings", settings);
            if (maxAge != null) {
                body.put("max-age", maxAge);
            }
            JsonNode r = client().send("POST", "/api/v1/jfr/start", body);
            root().out.println(root().json ? r.toPrettyString() : status(r));
            return 0;
        }
    }

    @Command(name = "dump", description = "Writes what was recorded so far to FILE (on the daemon's host).")
    static final class JfrDump extends AdminCli.Sub {
        @Parameters(index = "0", paramLabel = "FILE")
        String file;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = AdminCli.object();
            body.put("file", absolute(file));
            JsonNode r = client().send("POST", "/api/v1/jfr/dump", body);
            root().out.println(root().json ? r.toPrettyString() : status(r));
            return 0;
        }
    }

    @Command(name = "stop", description = "Stops the recording, writing it to FILE when given.")
    static final class JfrStop extends AdminCli.Sub {
        @Parameters(index = "0", paramLabel = "FILE", arity = "0..1")
        String file;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = AdminCli.object();
            if (file != null) {
                body.put("file", absolute(file));
            }
            JsonNode r = client().send("POST", "/api/v1/jfr/stop", body);
            root().out.println(root().json ? r.toPrettyString() : status(r));
            return 0;
        }
    }
}
