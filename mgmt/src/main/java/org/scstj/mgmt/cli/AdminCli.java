package org.scstj.mgmt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.shell.jline3.PicocliJLineCompleter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code scstj admin}: the running daemon's admin API from the command line. Every sub-command
 * prints a readable answer, or with {@code --json} the API's JSON; a refused request prints the
 * API's message and its problems and exits 1; a usage error exits 2.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Sees and changes the running daemon through its admin API.",
        subcommands = {AdminCli.Ls.class, AdminCli.Get.class, AdminCli.Set.class, AdminCli.Device.class,
                AdminCli.Lun.class, AdminCli.Group.class, AdminCli.Initiator.class, AdminCli.Target.class,
                AdminCli.Portal.class, AdminCli.Session.class, AdminCli.Plan.class, AdminCli.Apply.class,
                AdminCli.WriteConfig.class, AdminCli.ShowConfig.class, MeasureCli.Latency.class, MeasureCli.Jfr.class,
                AluaCli.Alua.class, AdminCli.Actors.class, AdminCli.Dispatchers.class, ClusterCli.Cluster.class,
                AdminCli.Shell.class})
public final class AdminCli {
    @Option(names = "--url", scope = ScopeType.INHERIT, description = "the admin API (default: from <state-dir>/admin/url)")
    String url;
    @Option(names = "--token-file", scope = ScopeType.INHERIT, description = "the bearer token (default: <state-dir>/admin/admin.token)")
    Path tokenFile;
    @Option(names = "--state-dir", scope = ScopeType.INHERIT,
            description = "the daemon's state-dir (default: $SCSTJ_STATE_DIR, else ./state, else /var/lib/scstj)")
    Path stateDir;
    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the API's JSON")
    boolean json;

    PrintStream out;
    private AdminClient client;

    /** Runs one command line; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        AdminCli root = new AdminCli();
        root.out = out;
        CommandLine cmd = commandLine(root, out, err);
        return cmd.execute(args.toArray(String[]::new));
    }

    private static CommandLine commandLine(AdminCli root, PrintStream out, PrintStream err) {
        CommandLine cmd = new CommandLine(root);
        withHelp(cmd);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof AdminClient.AdminException a) {
                err.println("scstj admin: " + a.getMessage());
                if (a.body != null && a.body.has("problems")) {
                    for (JsonNode p : a.body.get("problems")) {
                        err.println("  " + p.path("field").asText() + ": " + p.path("problem").asText());
                    }
                }
                return a.exit;
            }
            err.println("scstj admin: " + e);
            return 1;
        });
        return cmd;
    }

    /** {@code --help} (and {@code --version}) on every command, as docs/admin.md says: picocli adds them only where asked. */
    private static void withHelp(CommandLine cmd) {
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            withHelp(sub);
        }
    }

    AdminClient client() throws AdminClient.AdminException {
        if (client == null) {
            client = AdminClient.locate(url, tokenFile, stateDir == null ? defaultStateDir() : stateDir);
        }
        return client;
    }

    static Path defaultStateDir() {
        String env = System.getenv("SCSTJ_STATE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Files.isDirectory(Path.of("state", "admin")) ? Path.of("state") : Path.of("/var/lib/scstj");
    }

    /** An API path from a path the user typed: {@code devices/disk01} → {@code /api/v1/devices/disk01}. */
    static String api(String path) {
        String p = path == null ? "" : path.strip();
        if (p.startsWith("/api/v1")) {
            p = p.substring(7);
        }
        StringBuilder out = new StringBuilder("/api/v1");
        for (String s : p.split("/")) {
            if (!s.isEmpty()) {
                out.append('/').append(seg(s));
            }
        }
        return out.toString();
    }

    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
    }

    /** A typed value: true/false, a number, JSON ([...] or {...}), or a string. */
    static Object value(String v) throws AdminClient.AdminException {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        if (v.matches("-?\\d{1,18}")) {
            return Long.parseLong(v);
        }
        if (v.startsWith("[") || v.startsWith("{")) {
            try {
                return AdminClient.JSON.readValue(v, Object.class);
            } catch (IOException e) {
                throw new AdminClient.AdminException(2, "not JSON: " + v);
            }
        }
        if (v.equals("null")) {
            return null;
        }
        return v;
    }

    static Map<String, Object> assignments(List<String> kv) throws AdminClient.AdminException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String a : kv == null ? List.<String>of() : kv) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new AdminClient.AdminException(2, "expected KEY=VALUE, not " + a);
            }
            out.put(a.substring(0, eq), value(a.substring(eq + 1)));
        }
        return out;
    }

    /** Prints a change's result: the steps applied (or planned) and warnings. */
    void printResult(JsonNode r) {
        if (json) {
            out.println(r.toPrettyString());
            return;
        }
        boolean applied = r.path("applied").asBoolean();
        JsonNode steps = r.path("steps");
        if (steps.isEmpty()) {
            out.println("no change");
        }
        for (JsonNode s : steps) {
            out.printf("%s %-7s %s%s%s%n", applied ? "done" : "plan", s.path("action").asText(), s.path("object").asText()
                            .replaceFirst("^/api/v1/", ""), s.path("detail").asText().isEmpty() ? "" : "  (" + s.path("detail").asText() + ")",
                    s.path("restart").asBoolean() ? "  [needs restart]" : s.path("disruptive").asBoolean() ? "  [DISRUPTIVE]" : "");
        }
        for (JsonNode w : r.path("warnings")) {
            out.println("warning: " + w.asText());
        }
        if (applied) {
            out.println("revision " + r.path("revision").asLong());
        }
    }

    void printNode(JsonNode n, String indent, boolean attributes) {
        out.println(indent + n.path("name").asText() + "  (" + n.path("kind").asText() + ")");
        if (attributes) {
            attributes(n, indent + "    ");
        }
        for (JsonNode c : n.path("children")) {
            printNode(c, indent + "  ", attributes);
        }
    }

    void attributes(JsonNode n, String indent) {
        Iterator<Map.Entry<String, JsonNode>> it = n.path("attributes").properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> a = it.next();
            JsonNode v = a.getValue();
            String unit = v.path("unit").asText();
            out.println(indent + a.getKey() + " = " + v.path("value") + (unit.isEmpty() ? "" : " " + unit)
                    + (v.path("writable").asBoolean() ? "  [writable]" : "") + (v.path("restart").asBoolean() ? "  [restart]" : ""));
        }
    }

    /** Every sub-command: the root command's options and client, found through picocli's model. */
    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        AdminCli root() {
            return (AdminCli) spec.root().userObject();
        }

        AdminClient client() throws AdminClient.AdminException {
            return root().client();
        }

        int result(JsonNode r) {
            root().printResult(r);
            return 0;
        }

        /** Sends a change and prints its result. */
        int change(String method, String path, Object body) throws AdminClient.AdminException {
            return result(client().send(method, path, body));
        }
    }

    @Command(name = "ls", description = "Lists the object tree below PATH (default: everything).")
    static final class Ls extends Sub {
        @Parameters(arity = "0..1", paramLabel = "PATH", description = "e.g. targets, devices/disk01, sessions")
        String path;
        @Option(names = {"-d", "--depth"}, defaultValue = "12", description = "levels to show")
        int depth;
        @Option(names = {"-l", "--long"}, description = "with attributes")
        boolean attributes;

        @Override
        public Integer call() throws Exception {
            JsonNode n = path == null ? client().get("/api/v1/tree?depth=" + depth)
                    : client().get(api(path) + "?depth=" + depth);
            if (root().json) {
                root().out.println(n.toPrettyString());
            } else if (n.isArray()) {
                n.forEach(c -> root().printNode(c, "", attributes));
            } else {
                root().printNode(n, "", attributes);
            }
            return 0;
        }
    }

    @Command(name = "get", description = "Shows an object's attributes (or one of them).")
    static final class Get extends Sub {
        @Parameters(index = "0", paramLabel = "PATH")
        String path;
        @Parameters(index = "1", arity = "0..1", paramLabel = "ATTRIBUTE")
        String attribute;

        @Override
        public Integer call() throws Exception {
            JsonNode n = client().get(api(path) + "?depth=0");
            if (attribute != null) {
                JsonNode a = n.path("attributes").path(attribute);
                if (a.isMissingNode()) {
                    throw new AdminClient.AdminException(1, path + " has no attribute " + attribute);
                }
                root().out.println(root().json ? a.toPrettyString() : a.path("value").isTextual()
                        ? a.path("value").asText() : a.path("value").toString());
                return 0;
            }
            if (root().json) {
                root().out.println(n.toPrettyString());
            } else {
                root().out.println(n.path("path").asText() + "  (" + n.path("kind").asText() + ", generation "
                        + n.path("generation").asLong() + ")");
                root().attributes(n, "  ");
                root().out.println("  actions: " + n.path("actions"));
            }
            return 0;
        }
    }

    @Command(name = "set", description = "Changes attributes: of a device, a LUN (device, read-only), a target (enabled), or the iSCSI driver.")
    static final class Set extends Sub {
        @Parameters(index = "0", paramLabel = "PATH")
        String path;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE")
        List<String> assignments;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> kv = assignments(assignments);
            String p = api(path);
            if (p.startsWith("/api/v1/devices/")) {
                return change("PATCH", p, Map.of("attributes", kv));
            }
            if (p.equals("/api/v1/target-drivers/iscsi")) {
                return change("PATCH", p, kv);
            }
            if (p.matches("/api/v1/targets/[^/]+(/groups/[^/]+)?/luns/\\d+")) {
                JsonNode cur = client().get(p + "?depth=0").path("attributes");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("device", cur.path("device").path("value").asText());
                m.put("read-only", cur.path("read-only").path("value").asBoolean());
                m.putAll(kv);
                return change("PUT", p, m);
            }
            if (p.matches("/api/v1/targets/[^/]+") && kv.keySet().equals(java.util.Set.of("enabled"))) {
                return change("POST", p + (Boolean.TRUE.equals(kv.get("enabled")) ? "/enable" : "/disable"), null);
            }
            throw new AdminClient.AdminException(2, "set works on devices/NAME, targets/T/luns/N, targets/T/groups/G/luns/N,"
                    + " targets/T (enabled) and target-drivers/iscsi");
        }
    }

    @Command(name = "device", description = "Adds, removes or resizes devices; loads and ejects discs.",
            subcommands = {DeviceAdd.class, DeviceRemove.class, DeviceResize.class, DeviceLoad.class, DeviceEject.class,
                    DeviceImport.class, DeviceExport.class})
    static final class Device {
    }

    @Command(name = "add", description = "Adds a device: device add NAME --handler H [KEY=VALUE...] (filename=..., size=10G, ...).")
    static final class DeviceAdd extends Sub {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--handler", required = true, description = "vdisk_fileio, vdisk_blockio, vdisk_nullio, vcdrom, vtape")
        String handler;
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE")
        List<String> attributes;

        @Override
        public Integer call() throws Exception {
            return change("PUT", "/api/v1/devices/" + seg(name),
                    Map.of("handler", handler, "attributes", assignments(attributes)));
        }
    }

    @Command(name = "remove", description = "Removes a device (--force: also while mapped; its LUNs go too).")
    static final class DeviceRemove extends Sub {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--force")
        boolean force;

        @Override
        public Integer call() throws Exception {
            return change("DELETE", "/api/v1/devices/" + seg(name) + (force ? "?force=true" : ""), null);
        }
    }

    @Command(name = "resize", description = "Resizes a device: device resize NAME SIZE (e.g. 20G) [--force to shrink past data].")
    static final class DeviceResize extends Sub {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "SIZE")
        String size;
        @Option(names = "--force")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("size", size.matches("\\d+") ? (Object) Long.parseLong(size) : size);
            body.put("force", force);
            return change("POST", "/api/v1/devices/" + seg(name) + "/resize", body);
        }
    }

    @Command(name = "load", description = "Loads a disc into a vcdrom drive or a user cdrom (or a cartridge into a vtape drive), swapping the one in it: device load NAME IMAGE|BARCODE"
            + " [--force: even while an initiator prevents medium removal].")
    static final class DeviceLoad extends Sub {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "IMAGE")
        String image;
        @Option(names = "--force")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            // a path (a vcdrom's image) is sent absolute; a barcode (a vtape's cartridge) as it is
            body.put("medium", image.contains("/") || image.endsWith(".iso")
                    ? java.nio.file.Path.of(image).toAbsolutePath().toString() : image);
            body.put("force", force);
            return change("POST", "/api/v1/devices/" + seg(name) + "/load", body);
        }
    }

    @Command(name = "eject", description = "Takes the disc out of a vcdrom drive or a user cdrom (it is then empty): device eject NAME"
            + " [--force: even while an initiator prevents medium removal].")
    static final class DeviceEject extends Sub {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--force")
        boolean force;

        @Override
        public Integer call() throws Exception {
            return change("POST", "/api/v1/devices/" + seg(name) + "/eject", Map.of("force", force));
        }
    }

    @Command(name = "import", description = "Puts a cartridge into a vchanger's import/export element: device import CHANGER BARCODE.")
    static final class DeviceImport extends Sub {
        @Parameters(index = "0", paramLabel = "CHANGER")
        String name;
        @Parameters(index = "1", paramLabel = "BARCODE")
        String barcode;

        @Override
        public Integer call() throws Exception {
            return change("POST", "/api/v1/devices/" + seg(name) + "/import", Map.of("barcode", barcode));
        }
    }

    @Command(name = "export", description = "Takes a cartridge out of a vchanger's import/export element: device export CHANGER BARCODE"
            + " [--force: even while an initiator prevents medium removal].")
    static final class DeviceExport extends Sub {
        @Parameters(index = "0", paramLabel = "CHANGER")
        String name;
        @Parameters(index = "1", paramLabel = "BARCODE")
        String barcode;
        @Option(names = "--force")
        boolean force;

        @Override
        public Integer call() throws Exception {
            return change("POST", "/api/v1/devices/" + seg(name) + "/export", Map.of("barcode", barcode, "force", force));
        }
    }

    @Command(name = "lun", description = "Maps and unmaps LUNs.", subcommands = {LunAdd.class, LunRemove.class, LunReplace.class})
    static final class Lun {
    }

    static String lunPath(String target, String group, int lun) {
        return "/api/v1/targets/" + seg(target) + (group == null ? "" : "/groups/" + seg(group)) + "/luns/" + lun;
    }

    @Command(name = "add", description = "Maps a LUN: lun add TARGET LUN DEVICE [--group G] [--read-only]; refused if the LUN is mapped.")
    static class LunAdd extends Sub {
        @Parameters(index = "0", paramLabel = "TARGET")
        String target;
        @Parameters(index = "1", paramLabel = "LUN")
        int lun;
        @Parameters(index = "2", paramLabel = "DEVICE")
        String device;
        @Option(names = "--group")
        String secGroup;
        @Option(names = "--read-only")
        boolean readOnly;

        boolean replace() {
            return false;
        }

        @Override
        public Integer call() throws Exception {
            String p = lunPath(target, secGroup, lun);
            if (!replace()) {
                try {
                    client().get(p + "?depth=0");
                    throw new AdminClient.AdminException(1, "LUN " + lun + " is mapped already (use lun replace)");
                } catch (AdminClient.AdminException e) {
                    if (e.status != 404) {
                        throw e;
                    }
                }
            }
            return change("PUT", p, Map.of("device", device, "read-only", readOnly));
        }
    }

    @Command(name = "replace", description = "Maps a LUN to another device (or changes read-only): lun replace TARGET LUN DEVICE.")
    static final class LunReplace extends LunAdd {
        @Override
        boolean replace() {
            return true;
        }
    }

    @Command(name = "remove", description = "Unmaps a LUN: lun remove TARGET LUN [--group G].")
    static final class LunRemove extends Sub {
        @Parameters(index = "0", paramLabel = "TARGET")
        String target;
        @Parameters(index = "1", paramLabel = "LUN")
        int lun;
        @Option(names = "--group")
        String secGroup;

        @Override
        public Integer call() throws Exception {
            return change("DELETE", lunPath(target, secGroup, lun), null);
        }
    }

    @Command(name = "group", description = "Adds and removes security groups.", subcommands = {GroupAdd.class, GroupRemove.class})
    static final class Group {
    }

    @Command(name = "add", description = "Adds a group: group add TARGET GROUP --initiator NAME... (patterns with * and ?).")
    static final class GroupAdd extends Sub {
        @Parameters(index = "0", paramLabel = "TARGET")
        String target;
        @Parameters(index = "1", paramLabel = "GROUP")
        String name;
        @Option(names = "--initiator", required = true)
        List<String> initiators;

        @Override
        public Integer call() throws Exception {
            return change("PUT", "/api/v1/targets/" + seg(target) + "/groups/" + seg(name),
                    Map.of("initiators", initiators, "luns", Map.of()));
        }
    }

    @Command(name = "remove", description = "Removes a group: group remove TARGET GROUP.")
    static final class GroupRemove extends Sub {
        @Parameters(index = "0", paramLabel = "TARGET")
        String target;
        @Parameters(index = "1", paramLabel = "GROUP")
        String name;

        @Override
        public Integer call() throws Exception {
            return change("DELETE", "/api/v1/targets/" + seg(target) + "/groups/" + seg(name), null);
        }
    }

    @Command(name = "initiator", description = "Adds, removes and moves initiators of groups.",
            subcommands = {InitiatorAdd.class, InitiatorRemove.class, InitiatorMove.class})
    static final class Initiator {
    }

    static String initiatorPath(String target, String group, String name) {
        return "/api/v1/targets/" + seg(target) + "/groups/" + seg(group) + "/initiators/" + seg(name);
    }

    /** The initiator commands' arguments: TARGET GROUP NAME. */
    abstract static class OnInitiator extends Sub {
        @Parameters(index = "0", paramLabel = "TARGET") String target;
        @Parameters(index = "1", paramLabel = "GROUP") String secGroup;
        @Parameters(index = "2", paramLabel = "NAME") String name;

        String path() {
            return initiatorPath(target, secGroup, name);
        }
    }

    @Command(name = "add", description = "initiator add TARGET GROUP NAME")
    static final class InitiatorAdd extends OnInitiator {
        @Override
        public Integer call() throws Exception {
            return change("PUT", path(), null);
        }
    }

    @Command(name = "remove", description = "initiator remove TARGET GROUP NAME")
    static final class InitiatorRemove extends OnInitiator {
        @Override
        public Integer call() throws Exception {
            return change("DELETE", path(), null);
        }
    }

    @Command(name = "move", description = "initiator move TARGET GROUP NAME --to GROUP2")
    static final class InitiatorMove extends OnInitiator {
        @Option(names = "--to", required = true) String to;

        @Override
        public Integer call() throws Exception {
            return change("POST", path() + "/move", Map.of("to", to));
        }
    }

    @Command(name = "target", description = "Adds, removes, enables and disables targets.",
            subcommands = {TargetAdd.class, TargetRemove.class, TargetEnable.class, TargetDisable.class})
    static final class Target {
    }

    @Command(name = "add", description = "target add NAME [--lun N=DEVICE...]")
    static final class TargetAdd extends Sub {
        @Parameters(index = "0") String name;
        @Option(names = "--lun", description = "N=DEVICE") List<String> luns;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> l = new LinkedHashMap<>();
            for (String s : luns == null ? List.<String>of() : luns) {
                String[] kv = s.split("=", 2);
                if (kv.length != 2) {
                    throw new AdminClient.AdminException(2, "--lun expects N=DEVICE, not " + s);
                }
                l.put(kv[0], Map.of("device", kv[1]));
            }
            return change("PUT", "/api/v1/targets/" + seg(name), Map.of("luns", l));
        }
    }

    /** A command on one target by NAME: a method and an action path after the target's. */
    abstract static class OnTarget extends Sub {
        @Parameters(index = "0", paramLabel = "NAME") String name;

        int send(String method, String action) throws AdminClient.AdminException {
            return change(method, "/api/v1/targets/" + seg(name) + action, null);
        }
    }

    @Command(name = "remove", description = "target remove NAME (its sessions are closed)")
    static final class TargetRemove extends OnTarget {
        @Override
        public Integer call() throws Exception {
            return send("DELETE", "");
        }
    }

    @Command(name = "enable", description = "target enable NAME")
    static final class TargetEnable extends OnTarget {
        @Override
        public Integer call() throws Exception {
            return send("POST", "/enable");
        }
    }

    @Command(name = "disable", description = "target disable NAME (its sessions are closed)")
    static final class TargetDisable extends OnTarget {
        @Override
        public Integer call() throws Exception {
            return send("POST", "/disable");
        }
    }

    @Command(name = "portal", description = "Adds and removes listening portals.", subcommands = {PortalAdd.class, PortalRemove.class})
    static final class Portal {
    }

    @Command(name = "add", description = "portal add HOST:PORT")
    static final class PortalAdd extends Sub {
        @Parameters(index = "0") String portal;

        @Override
        public Integer call() throws Exception {
            return change("PUT", "/api/v1/portals/" + seg(portal), null);
        }
    }

    @Command(name = "remove", description = "portal remove HOST:PORT (sessions that arrived there are closed)")
    static final class PortalRemove extends Sub {
        @Parameters(index = "0") String portal;

        @Override
        public Integer call() throws Exception {
            return change("DELETE", "/api/v1/portals/" + seg(portal), null);
        }
    }

    @Command(name = "session", description = "Lists sessions, closes them, asks them to log out.",
            subcommands = {SessionList.class, SessionClose.class, SessionLogout.class})
    static final class Session {
    }

    @Command(name = "list", description = "Lists every session: id, initiator, target, peer, connections, counters.")
    static final class SessionList extends Sub {

        @Override
        public Integer call() throws Exception {
            JsonNode list = client().get("/api/v1/sessions");
            if (root().json) {
                root().out.println(list.toPrettyString());
                return 0;
            }
            root().out.printf("%-24s %-40s %-36s %-22s %5s %10s %14s %14s%n", "ID", "INITIATOR", "TARGET", "PEER", "CONNS",
                    "COMMANDS", "BYTES READ", "BYTES WRITTEN");
            for (JsonNode s : list) {
                JsonNode a = s.path("attributes");
                JsonNode conns = s.path("children");
                root().out.printf("%-24s %-40s %-36s %-22s %5d %10d %14d %14d%n", s.path("name").asText(),
                        a.path("initiator-name").path("value").asText(), a.path("target").path("value").asText(),
                        conns.isEmpty() ? "" : conns.get(0).path("attributes").path("peer-address").path("value").asText(),
                        conns.size(), a.path("commands").path("value").asLong(), a.path("bytes-read").path("value").asLong(),
                        a.path("bytes-written").path("value").asLong());
            }
            return 0;
        }
    }

    @Command(name = "close", description = "session close ID: ends it at once")
    static final class SessionClose extends Sub {
        @Parameters(index = "0") String id;

        @Override
        public Integer call() throws Exception {
            JsonNode r = client().send("DELETE", "/api/v1/sessions/" + seg(id), null);
            root().out.println(root().json ? r.toPrettyString() : "closed " + id);
            return 0;
        }
    }

    @Command(name = "logout", description = "session logout ID: asks the initiator to log out (Async Message)")
    static final class SessionLogout extends Sub {
        @Parameters(index = "0") String id;

        @Override
        public Integer call() throws Exception {
            JsonNode r = client().send("POST", "/api/v1/sessions/" + seg(id) + "/logout", null);
            root().out.println(root().json ? r.toPrettyString() : "asked " + id + " to log out");
            return 0;
        }
    }

    @Command(name = "actors", description = {
            "Shows the engine's actors: mailbox depth, messages processed, processing time and time in mailbox",
            "(sampled), and each one's state; with ID, one actor and its own summary. --watch redraws like top."})
    static final class Actors extends Sub {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "one actor, as listed: e.g. lun-disk01, target-NAME/session-1")
        String id;
        @Option(names = "--watch", description = "redraw every --interval seconds until Ctrl-C")
        boolean watch;
        @Option(names = "--interval", paramLabel = "S", defaultValue = "2", description = "seconds between redraws (default 2)")
        double interval;
        @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "with --watch: stop after N redraws (0: never)")
        int count;
        @Option(names = "--sort", paramLabel = "KEY", defaultValue = "tree",
                description = "tree (parents before children, the default), mailbox (deepest first) or processed (busiest first)")
        String sort;

        @Override
        public Integer call() throws Exception {
            if (!List.of("tree", "mailbox", "processed").contains(sort)) {
                throw new AdminClient.AdminException(2, "--sort: tree, mailbox or processed, not " + sort);
            }
            if (interval <= 0) {
                throw new AdminClient.AdminException(2, "--interval must be positive");
            }
            PrintStream out = root().out;
            for (int n = 1; ; n++) {
                String text = id != null ? one() : tree();
                if (watch) {
                    out.print("\033[H\033[2J"); // home, clear: redraw like top
                    out.println("scstj admin actors   " + java.time.LocalTime.now().withNano(0) + "   every " + interval
                            + " s, Ctrl-C to stop");
                }
                out.print(text);
                out.flush();
                if (!watch || (count > 0 && n >= count)) {
                    return 0;
                }
                Thread.sleep((long) (interval * 1000));
            }
        }

        private String one() throws AdminClient.AdminException {
            StringBuilder path = new StringBuilder("/api/v1/actors");
            for (String s : id.split("/")) {
                if (!s.isEmpty()) {
                    path.append('/').append(seg(s));
                }
            }
            JsonNode a = client().get(path.toString());
            if (root().json) {
                return a.toPrettyString() + "\n";
            }
            StringBuilder b = new StringBuilder();
            Iterator<Map.Entry<String, JsonNode>> it = a.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("summary")) {
                    b.append(String.format("%-18s %s%n", e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
                }
            }
            Iterator<Map.Entry<String, JsonNode>> sum = a.path("summary").properties().iterator();
            if (sum.hasNext()) {
                b.append("summary\n");
            }
            while (sum.hasNext()) {
                Map.Entry<String, JsonNode> e = sum.next();
                b.append(String.format("  %-24s %s%n", e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
            }
            return b.toString();
        }

        private String tree() throws AdminClient.AdminException {
            JsonNode r = client().get("/api/v1/actors");
            if (root().json) {
                return r.toPrettyString() + "\n";
            }
            List<JsonNode> actors = new ArrayList<>();
            r.path("actors").forEach(actors::add);
            if (sort.equals("mailbox")) {
                actors.sort(java.util.Comparator.comparingLong((JsonNode a) -> -a.path("mailbox-depth").asLong()));
            } else if (sort.equals("processed")) {
                actors.sort(java.util.Comparator.comparingLong((JsonNode a) -> -a.path("processed").asLong()));
            }
            StringBuilder b = new StringBuilder();
            b.append(String.format("%-56s %-7s %-9s %7s %11s %17s %17s%n", "ACTOR", "KIND", "STATE", "MAILBOX",
                    "PROCESSED", "HANDLING µs avg/max", "IN MAILBOX µs avg/max"));
            for (JsonNode a : actors) {
                String name = a.path("id").asText();
                if (sort.equals("tree")) {
                    int depth = (int) name.chars().filter(ch -> ch == '/').count();
                    name = "  ".repeat(depth) + name.substring(name.lastIndexOf('/') + 1);
                }
                b.append(String.format("%-56s %-7s %-9s %7s %11s %17s %17s%n", clip(name, 56), a.path("kind").asText(),
                        a.path("state").isNull() || a.path("state").isMissingNode() ? "-" : a.path("state").asText(),
                        a.path("mailbox-depth").isNull() ? "-" : a.path("mailbox-depth").asText(),
                        a.path("processed").isNull() ? "-" : a.path("processed").asText(),
                        micros(a.path("processing-ns-avg")) + "/" + micros(a.path("processing-ns-max")),
                        micros(a.path("mailbox-ns-avg")) + "/" + micros(a.path("mailbox-ns-max"))));
            }
            b.append("\n");
            Iterator<Map.Entry<String, JsonNode>> it = r.path("totals").properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode t = e.getValue();
                b.append(String.format("%-8s %4d actors, %6d messages waiting (deepest %d), %d processed%n", e.getKey(),
                        t.path("actors").asInt(), t.path("mailbox-depth").asLong(), t.path("max-mailbox-depth").asLong(),
                        t.path("processed").asLong()));
            }
            return b.toString();
        }

        private static String micros(JsonNode ns) {
            if (ns.isNull() || ns.isMissingNode()) {
                return "-";
            }
            double us = ns.asLong() / 1000.0;
            return us < 10 ? String.format(java.util.Locale.ROOT, "%.1f", us) : String.valueOf(Math.round(us));
        }

        private static String clip(String s, int width) {
            return s.length() <= width ? s : s.substring(0, width - 1) + "…";
        }
    }

    @Command(name = "dispatchers", description = "Shows each dispatcher: executor, throughput, settings, actors, threads and queues.")
    static final class Dispatchers extends Sub {
        @Override
        public Integer call() throws Exception {
            JsonNode r = client().get("/api/v1/dispatchers");
            PrintStream out = root().out;
            if (root().json) {
                out.println(r.toPrettyString());
                return 0;
            }
            for (JsonNode d : r) {
                out.printf("%s  (%s, throughput %d, %d actors)%n", d.path("id").asText(), d.path("executor").asText(),
                        d.path("throughput").asInt(), d.path("actors").asLong());
                out.println("    settings: " + pairs(d.path("settings")));
                out.println("    live:     " + pairs(d.path("live")));
            }
            return 0;
        }

        private static String pairs(JsonNode o) {
            List<String> p = new ArrayList<>();
            o.properties().forEach(e -> p.add(e.getKey() + "=" + (e.getValue().isTextual() ? e.getValue().asText() : e.getValue())));
            return p.isEmpty() ? "-" : String.join(", ", p);
        }
    }

    @Command(name = "plan", description = "Shows what applying FILE would add, change and remove, and what would disrupt a session.")
    static final class Plan extends Sub {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            return result(client().sendText("POST", "/api/v1/config/plan", read(file)));
        }
    }

    static String read(Path file) throws AdminClient.AdminException {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AdminClient.AdminException(1, "cannot read " + file + ": " + e.getMessage());
        }
    }

    @Command(name = "apply", description = "Applies FILE as one transaction, leaving untouched objects and their sessions alone.")
    static final class Apply extends Sub {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE")
        Path file;
        @Option(names = "--allow-disruptive", description = "allow steps that close sessions or take LUNs away from them")
        boolean allowDisruptive;
        @Option(names = "--dry-run", description = "validate and plan only")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            return result(client().sendText("POST", "/api/v1/config/apply?allow-disruptive=" + allowDisruptive
                    + "&dry-run=" + dryRun, read(file)));
        }
    }

    @Command(name = "write-config", description = "Writes the running configuration to the daemon's file now.")
    static final class WriteConfig extends Sub {
        @Override
        public Integer call() throws Exception {
            JsonNode r = client().send("POST", "/api/v1/config/write", null);
            root().out.println(root().json ? r.toPrettyString() : "wrote " + r.path("written").asText());
            return 0;
        }
    }

    @Command(name = "show-config", description = "Prints the running configuration (HOCON).")
    static final class ShowConfig extends Sub {
        @Override
        public Integer call() throws Exception {
            root().out.print(client().getText("/api/v1/config"));
            return 0;
        }
    }

    @Command(name = "shell", description = "An interactive shell: every admin command, with completion (Tab) and history.")
    static final class Shell extends Sub {
        @Override
        public Integer call() throws Exception {
            AdminCli root = root();
            client(); // fail now, not at the first command, when no daemon is found
            CommandLine cmd = commandLine(root, root.out, System.err);
            try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
                LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                        .completer(new PicocliJLineCompleter(cmd.getCommandSpec())).build();
                while (true) {
                    String line;
                    try {
                        line = reader.readLine("scstj> ");
                    } catch (UserInterruptException e) {
                        continue;
                    } catch (EndOfFileException e) {
                        return 0;
                    }
                    List<String> words = new ArrayList<>(reader.getParsedLine().words());
                    words.removeIf(String::isEmpty);
                    if (words.isEmpty()) {
                        continue;
                    }
                    if (words.getFirst().equals("exit") || words.getFirst().equals("quit")) {
                        return 0;
                    }
                    if (words.getFirst().equals("shell")) {
                        continue;
                    }
                    cmd.execute(words.toArray(String[]::new));
                }
            }
        }
    }

    static ObjectNode object() {
        return AdminClient.JSON.createObjectNode();
    }
}
