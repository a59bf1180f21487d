package org.scstj.mgmt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code scstj admin alua}: the asymmetric access states (SPC-5 5.16) of the running daemon —
 * {@code ls} shows the target port groups and each LU's state in each, {@code set} changes a
 * device group's state in one target port group (an implicit change: 2A/06 to every nexus).
 */
final class AluaCli {
    private AluaCli() {
    }

    @Command(name = "alua", description = "Shows and sets ALUA access states (SPC-5 5.16) per device group and target port group.",
            subcommands = {Ls.class, Set.class})
    static final class Alua {
    }

    @Command(name = "ls", description = {
            "Lists the target port groups (id, name, portal group tags) and each LU's state in each:",
            "state, PREF, STATUS CODE of the last change, relative target ports (as REPORT TARGET PORT GROUPS reports them)."})
    static final class Ls extends AdminCli.Sub {
        @Override
        public Integer call() throws Exception {
            JsonNode a = client().get("/api/v1/alua");
            var out = root().out;
            if (root().json) {
                out.println(a.toPrettyString());
                return 0;
            }
            out.printf("implicit transition time %d s, transition delay %d ms%n", a.path("implicit-transition-time").asInt(),
                    a.path("transition-delay-ms").asLong());
            out.printf("%-6s %-16s %-8s %s%n", "TPG", "NAME", "NODE", "PORTAL GROUP TAGS");
            for (JsonNode g : a.path("target-groups")) {
                out.printf("%-6d %-16s %-8s %s%n", g.path("id").asInt(), g.path("name").asText(),
                        g.path("node").asText("-"), g.path("portal-group-tags"));
            }
            out.println();
            boolean cluster = false;
            for (JsonNode g : a.path("device-groups")) {
                cluster |= g.has("owner");
            }
            if (cluster) {
                // cluster.md 5.4: the owner as installed on the node answering
                out.printf("%-16s %-15s %-8s %-9s %s%n", "DEVICE GROUP", "POLICY", "OWNER", "FAILBACK", "PREFERRED NODES");
                for (JsonNode g : a.path("device-groups")) {
                    out.printf("%-16s %-15s %-8s %-9s %s%n", g.path("name").asText(), g.path("policy").asText(),
                            g.path("owner").isNull() ? "-" : g.path("owner").asText(),
                            g.path("failback").asBoolean() ? "on" : "off", g.path("preferred-nodes"));
                }
                out.println();
            }
            out.printf("%-20s %-16s %-6s %-22s %-5s %-34s %s%n", "DEVICE", "DEVICE GROUP", "TPG", "STATE", "PREF", "STATUS",
                    "PORTS");
            for (JsonNode d : a.path("devices")) {
                String group = d.path("device-group").isNull() ? "-" : d.path("device-group").asText();
                if (d.path("target-port-groups").isEmpty()) {
                    out.printf("%-20s %-16s %-6s %-22s%n", d.path("device").asText(), group, "-", "active-optimized (every group)");
                }
                for (JsonNode g : d.path("target-port-groups")) {
                    out.printf("%-20s %-16s %-6d %-22s %-5s %-34s %s%n", d.path("device").asText(), group,
                            g.path("id").asInt(), g.path("state").asText(), g.path("preferred").asBoolean() ? "yes" : "",
                            g.path("status").asText(), g.path("relative-target-ports"));
                }
            }
            return 0;
        }
    }

    @Command(name = "set", description = {
            "Sets a device group's state in a target port group: alua set GROUP TPG STATE [--preferred | --no-preferred].",
            "STATE: active-optimized, active-non-optimized, standby, unavailable. TPG: its id or name.",
            "Written to the configuration file; the group's LUs show TRANSITIONING for transition-delay,",
            "then every nexus gets ASYMMETRIC ACCESS STATE CHANGED (2A/06)."})
    static final class Set extends AdminCli.Sub {
        @Parameters(index = "0", paramLabel = "GROUP", description = "a device group of scstj.alua.device-groups")
        String group;
        @Parameters(index = "1", paramLabel = "TPG", description = "a target port group, by id or name")
        String tpg;
        @Parameters(index = "2", paramLabel = "STATE")
        String state;
        @Option(names = "--preferred", negatable = true,
                description = "set (or, --no-preferred, clear) the group's PREF bit; unchanged when not given")
        Boolean preferred;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("state", state);
            if (preferred != null) {
                body.put("preferred", preferred);
            }
            return change("PUT", "/api/v1/alua/device-groups/" + AdminCli.seg(group) + "/states/" + AdminCli.seg(tpg), body);
        }
    }
}
