package org.scstj.mgmt.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.mgmt.config.ConfigLoader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.scstj.mgmt.metrics.Metrics;

/**
 * The admin API's routes: one table whose rows carry every rule of a route (method, path
 * template, whether it changes anything, what it locks, how it answers), served by
 * {@link AdminServer} and documented by {@code openapi.json} (a test checks the two agree).
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern LUN = Pattern.compile("\\d{1,5}");
    /** The Prometheus scrape route: outside /api/v1, where scrapers look for it. */
    static final String METRICS = "/metrics";
    /** A {@link Reply} header that is the entity's content type (text/plain; charset=UTF-8 without it). */
    static final String CONTENT_TYPE = "Content-Type";

    /**
     * A request as a route sees it.
     *
     * @param path the request's path, each segment in its canonical encoding ({@link Paths#encode})
     */
    record Call(String method, String path, Route route, Map<String, String> params, Map<String, String> query,
                byte[] body, Long ifMatch, Tokens.Role role) {
        /**
         * The object a change addresses, whose generation {@code If-Match} names and {@code ETag}
         * gives: the path itself, or for an action ({@code POST .../resize}, {@code .../enable})
         * the object it acts on.
         */
        String object() {
            List<String> t = route.segments();
            if (route.method().equals("POST") && !t.getLast().startsWith("{")) {
                return path.substring(0, path.lastIndexOf('/'));
            }
            return path;
        }

        String param(String name) {
            return params.get(name);
        }

        boolean flag(String name) throws ApiException {
            String v = query.get(name);
            if (v == null) {
                return false;
            }
            return switch (v) {
                case "", "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw ApiException.field(400, name, "expected true or false, not " + v);
            };
        }
    }

    /**
     * An answer: status, a JSON body (or text), extra headers; or, for a route of Server-Sent
     * Events, {@code events}: {@link AdminServer} sends what it completes with, once a second, as
     * long as the client listens.
     */
    record Reply(int status, Object json, String text, Map<String, String> headers, EventSource events) {
        Reply(int status, Object json, String text, Map<String, String> headers) {
            this(status, json, text, headers, null);
        }

        static Reply ok(Object json) {
            return new Reply(200, json, null, Map.of());
        }

        static Reply events(EventSource events) {
            return new Reply(200, null, null, Map.of(), events);
        }
    }

    /** The next event of a stream (one JSON value); called once a second, one call at a time. */
    interface EventSource {
        java.util.concurrent.CompletionStage<Object> next();
    }

    interface Handler {
        Reply handle(Call call) throws ApiException;
    }

    /** One route; {@code change} routes need the admin role. */
    record Route(String method, String template, boolean change, String summary, Handler handler) {
        List<String> segments() {
            return List.of(template.substring(1).split("/"));
        }
    }

    private final ChangeManager changes;
    private final Metrics metrics;
    private final LatencyApi latency;
    private final AluaApi alua;
    private final ClusterApi cluster;
    private final JfrControl jfr = new JfrControl();
    private final List<Route> routes;

    Api(ChangeManager changes) {
        this(changes, null);
    }

    /** @param metrics what {@code GET /metrics} serves, or null (404) */
    Api(ChangeManager changes, Metrics metrics) {
        this.changes = changes;
        this.metrics = metrics;
        this.latency = new LatencyApi(changes);
        this.alua = new AluaApi(changes);
        this.cluster = new ClusterApi(changes);
        this.routes = table();
    }

    List<Route> routes() {
        return routes;
    }

    private List<Route> table() {
        String d = "/api/v1/devices/{device}";
        String t = "/api/v1/targets/{target}";
        String g = t + "/groups/{group}";
        String s = "/api/v1/sessions/{session}";
        return List.of(
                new Route("GET", "/api/v1", false, "the root of the object tree", this::get),
                new Route("GET", "/api/v1/openapi.json", false, "this API's OpenAPI document", c -> Reply.ok(openApi())),
                new Route("GET", METRICS, false, "the metrics, Prometheus text format (docs/metrics.md)", this::metrics),
                new Route("GET", "/api/v1/tree", false, "the whole object tree (?depth=N)", this::tree),
                new Route("GET", "/api/v1/handlers", false, "device handlers", this::get),
                new Route("GET", "/api/v1/handlers/{handler}", false, "a handler and its devices", this::get),
                new Route("GET", "/api/v1/devices", false, "every device", this::devices),
                new Route("GET", d, false, "a device", this::get),
                new Route("PUT", d, true, "add a device, or replace its configuration", this::putDevice),
                new Route("PATCH", d, true, "change some of a device's attributes", this::patchDevice),
                new Route("DELETE", d, true, "remove a device (?force=true: also while mapped)", this::deleteDevice),
                new Route("POST", d + "/resize", true, "resize a device", this::resize),
                new Route("POST", d + "/load", true,
                        "load a disc into a removable device (a vcdrom's image, a vtape's cartridge), swapping the one in it",
                        this::load),
                new Route("POST", d + "/eject", true, "take the disc out of a removable device: the drive is empty",
                        this::eject),
                new Route("POST", d + "/import", true,
                        "put a cartridge into a medium changer's empty import/export element", c -> importExport(c, true)),
                new Route("POST", d + "/export", true,
                        "take a cartridge out of a medium changer's import/export element", c -> importExport(c, false)),
                new Route("GET", "/api/v1/target-drivers", false, "target drivers", this::get),
                new Route("GET", "/api/v1/target-drivers/iscsi", false, "the iSCSI driver's settings", this::get),
                new Route("PATCH", "/api/v1/target-drivers/iscsi", true, "change the iSCSI driver's settings",
                        this::patchDriver),
                new Route("GET", "/api/v1/targets", false, "every target", this::get),
                new Route("GET", t, false, "a target", this::get),
                new Route("PUT", t, true, "add a target, or replace its block", this::putTarget),
                new Route("DELETE", t, true, "remove a target (its sessions are closed)", this::deleteTarget),
                new Route("POST", t + "/enable", true, "enable a target", c -> enable(c, true)),
                new Route("POST", t + "/disable", true, "disable a target (its sessions are closed)", c -> enable(c, false)),
                new Route("PUT", t + "/auth", true, "set a target's CHAP (for new logins)", this::putAuth),
                new Route("GET", t + "/luns", false, "a target's default LUNs", this::get),
                new Route("GET", t + "/luns/{lun}", false, "a LUN", this::get),
                new Route("PUT", t + "/luns/{lun}", true, "map a LUN", this::putLun),
                new Route("DELETE", t + "/luns/{lun}", true, "unmap a LUN", this::deleteLun),
                new Route("GET", t + "/groups", false, "a target's security groups", this::get),
                new Route("GET", g, false, "a security group", this::get),
                new Route("PUT", g, true, "add a group, or replace it", this::putGroup),
                new Route("DELETE", g, true, "remove a group", this::deleteGroup),
                new Route("GET", g + "/luns", false, "a group's LUNs", this::get),
                new Route("GET", g + "/luns/{lun}", false, "a group's LUN", this::get),
                new Route("PUT", g + "/luns/{lun}", true, "map a LUN in a group", this::putLun),
                new Route("DELETE", g + "/luns/{lun}", true, "unmap a LUN of a group", this::deleteLun),
                new Route("GET", g + "/initiators", false, "a group's initiators", this::get),
                new Route("GET", g + "/initiators/{initiator}", false, "an initiator of a group", this::get),
                new Route("PUT", g + "/initiators/{initiator}", true, "add an initiator (or pattern) to a group",
                        this::putInitiator),
                new Route("DELETE", g + "/initiators/{initiator}", true, "remove an initiator from a group",
                        this::deleteInitiator),
                new Route("POST", g + "/initiators/{initiator}/move", true, "move an initiator to another group",
                        this::moveInitiator),
                new Route("GET", "/api/v1/portals", false, "the portals listened on", this::get),
                new Route("GET", "/api/v1/portals/{portal}", false, "a portal", this::get),
                new Route("PUT", "/api/v1/portals/{portal}", true, "listen on a portal", this::putPortal),
                new Route("DELETE", "/api/v1/portals/{portal}", true, "stop listening on a portal", this::deletePortal),
                new Route("GET", "/api/v1/sessions", false, "every session", this::sessions),
                new Route("GET", "/api/v1/events/stats", false,
                        "Server-Sent Events, one a second: commands and bytes of the open sessions, and their rates",
                        c -> Reply.events(new StatsSampler(changes.live())::next)),
                new Route("GET", s, false, "a session and its connections", this::session),
                new Route("DELETE", s, true, "close a session at once", this::closeSession),
                new Route("POST", s + "/logout", true, "ask the initiator to log out (Async Message)", this::logout),
                new Route("GET", "/api/v1/actors", false,
                        "every actor of the engine with its mailbox and processing counters (?state=false: without asking each its state)",
                        this::actors),
                new Route("GET", "/api/v1/actors/{path}", false,
                        "one actor by its path (slashes kept), with its own summary of its state", this::actor),
                new Route("GET", "/api/v1/dispatchers", false,
                        "the dispatchers: settings, threads, queues, the inline executor's batches and hand-offs",
                        c -> Reply.ok(new Actors(changes.live().introspection()).dispatchers())),
                new Route("GET", "/api/v1/config", false, "the running configuration (HOCON)", this::showConfig),
                new Route("POST", "/api/v1/config/plan", false, "what applying a configuration would change",
                        this::plan),
                new Route("POST", "/api/v1/config/apply", true,
                        "apply a configuration (?allow-disruptive, ?dry-run)", this::apply),
                new Route("POST", "/api/v1/config/write", true, "write the running configuration to its file now",
                        this::write),
                new Route("GET", "/api/v1/latency", false,
                        "per-stage latency histograms of every device (?device=NAME: one)", latency::get),
                new Route("PUT", "/api/v1/latency", true,
                        "switch latency measurement of a device or of a target's devices", latency::put),
                new Route("DELETE", "/api/v1/latency", true, "read the latency histograms and empty them",
                        latency::reset),
                new Route("GET", "/api/v1/alua", false,
                        "ALUA: target port groups, device groups, each LU's state per target port group", alua::get),
                new Route("PUT", "/api/v1/alua/device-groups/{group}/states/{tpg}", true,
                        "set a device group's state (and PREF) in a target port group: an implicit change",
                        alua::putState),
                new Route("GET", "/api/v1/cluster", false,
                        "the cluster as this node sees it: members, leader, this node's self-fence", cluster::get),
                new Route("GET", "/api/v1/cluster/lus", false,
                        "per LU: the node hosting its control entity, its device group's ALUA owner", cluster::lus),
                new Route("POST", "/api/v1/cluster/down", true,
                        "mark another member down by hand (it is dead or fenced)", cluster::down),
                new Route("POST", "/api/v1/cluster/leave", true,
                        "leave the cluster in order (portals closed first) and stop this daemon", cluster::leave),
                new Route("GET", "/api/v1/jfr", false, "the admin API's JFR recording", jfr::status),
                new Route("POST", "/api/v1/jfr/start", true,
                        "start a JFR recording with scstj's command-stage and task-management events", jfr::start),
                new Route("POST", "/api/v1/jfr/dump", true, "write the JFR recording so far to a file", jfr::dump),
                new Route("POST", "/api/v1/jfr/stop", true, "stop the JFR recording (and write it to a file)",
                        jfr::stop));
    }

    // ---- reading

    private Reply metrics(Call c) throws ApiException {
        if (metrics == null) {
            throw new ApiException(404, "no metrics in this daemon");
        }
        return new Reply(200, null, metrics.scrape(), Map.of(CONTENT_TYPE, Metrics.CONTENT_TYPE));
    }

    private Reply get(Call c) throws ApiException {
        String path = c.path();
        int depth = depth(c, 1);
        Map<String, Object> tree = new Tree(changes, sessionsIfNeeded(path), c.role() == Tokens.Role.ADMIN).root(12);
        Map<String, Object> node = Tree.find(tree, path);
        if (node == null) {
            throw new ApiException(404, "nothing at " + path);
        }
        Map<String, Object> out = Tree.prune(node, depth);
        return new Reply(200, out, null, Map.of("ETag", "\"" + out.get("generation") + "\""));
    }

    private List<SessionInfo> sessionsIfNeeded(String path) throws ApiException {
        boolean needed = path.equals(Paths.API) || path.startsWith(Paths.API + "/target")
                || path.startsWith(Paths.API + "/sessions");
        return needed ? changes.sessions() : List.of();
    }

    private Reply tree(Call c) throws ApiException {
        int depth = depth(c, 12);
        return Reply.ok(Tree.prune(new Tree(changes, changes.sessions(), c.role() == Tokens.Role.ADMIN).root(depth),
                depth));
    }

    private Reply devices(Call c) {
        Tree tree = new Tree(changes, List.of(), c.role() == Tokens.Role.ADMIN);
        return Reply.ok(changes.state().config().engine().devices().stream().map(tree::device).toList());
    }

    private Reply sessions(Call c) throws ApiException {
        Tree tree = new Tree(changes, List.of(), false);
        return Reply.ok(changes.sessions().stream().map(s -> tree.session(s, 1)).toList());
    }

    private Reply session(Call c) throws ApiException {
        SessionInfo s = findSession(c.param("session"));
        return Reply.ok(new Tree(changes, List.of(), false).session(s, 1));
    }

    private SessionInfo findSession(String id) throws ApiException {
        return changes.sessions().stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiException(404, "no session " + id));
    }

    private Reply actors(Call c) throws ApiException {
        boolean state = !c.query().containsKey("state") || c.flag("state");
        return Reply.ok(new Actors(changes.live().introspection()).tree(state));
    }

    private Reply actor(Call c) throws ApiException {
        return Reply.ok(new Actors(changes.live().introspection()).one(c.param("path")));
    }

    private Reply showConfig(Call c) {
        Config doc = changes.state().document();
        String text = Hocon.render(c.role() == Tokens.Role.ADMIN ? doc : redacted(doc),
                "The running configuration of scstj, revision " + changes.state().revision() + ".");
        return new Reply(200, null, text, Map.of("ETag", "\"" + changes.state().revision() + "\""));
    }

    /** The document with every secret replaced (the read-only role sees no secret). */
    static Config redacted(Config doc) {
        Config out = doc;
        for (Map.Entry<String, com.typesafe.config.ConfigValue> e : doc.entrySet()) {
            String[] parts = com.typesafe.config.ConfigUtil.splitPath(e.getKey()).toArray(String[]::new);
            if (Tree.secret(parts[parts.length - 1])) {
                out = out.withValue(e.getKey(), com.typesafe.config.ConfigValueFactory.fromAnyRef("(hidden)"));
            }
        }
        return out;
    }

    private static Map<String, Object> openApi() throws ApiException {
        try (var in = Api.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new ApiException(500, "openapi.json is missing from the build");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = JSON.readValue(in, Map.class);
            return doc;
        } catch (java.io.IOException e) {
            throw new ApiException(500, "openapi.json: " + e.getMessage());
        }
    }

    // ---- devices

    private Reply putDevice(Call c) throws ApiException {
        String name = c.param("device");
        Map<String, Object> body = body(c, Set.of("handler", "attributes"));
        Object handler = body.get("handler");
        if (!(handler instanceof String h) || h.isBlank()) {
            throw ApiException.field(422, "handler", "required: one of " + changes.handlers().keySet());
        }
        if (!changes.handlers().containsKey(h)) {
            throw ApiException.field(422, "handler", "unknown handler " + h + " (known: " + changes.handlers().keySet() + ")");
        }
        Map<String, Object> attributes = Edits.object(body.get("attributes"), "attributes");
        boolean existed = Edits.handlerOf(changes.state().document(), name) != null;
        return change(c, List.of(Paths.device(name)), Edits.putDevice(name, h, attributes), existed ? 200 : 201);
    }

    private Reply patchDevice(Call c) throws ApiException {
        String name = c.param("device");
        Map<String, Object> body = body(c, Set.of("attributes"));
        Map<String, Object> attributes = Edits.object(body.get("attributes"), "attributes");
        if (attributes.isEmpty()) {
            throw ApiException.field(422, "attributes", "no attribute to change");
        }
        return change(c, List.of(Paths.device(name)), Edits.patchDevice(name, attributes), 200);
    }

    private Reply deleteDevice(Call c) throws ApiException {
        String name = c.param("device");
        boolean force = c.flag("force");
        List<String> objects = new ArrayList<>(List.of(Paths.device(name)));
        for (String m : Edits.mappingsOf(changes.state().document(), name)) {
            objects.add(targetObjectOf(m));
        }
        return change(c, objects, Edits.removeDevice(name, force), 200);
    }

    /** The target an edit path {@code scstj.target-drivers.iscsi.targets."<name>"...} is in, as a lock object. */
    private static String targetObjectOf(String documentPath) {
        List<String> parts = com.typesafe.config.ConfigUtil.splitPath(documentPath);
        return Paths.target(parts.get(4));
    }

    private Reply resize(Call c) throws ApiException {
        String name = c.param("device");
        Map<String, Object> body = body(c, Set.of("size", "force"));
        Object size = body.get("size");
        long bytes;
        try {
            if (size instanceof Number n) {
                bytes = n.longValue();
            } else if (size instanceof String str) {
                bytes = ConfigFactory.parseString("s = \"" + str.replace("\"", "") + "\"").getBytes("s");
            } else {
                throw ApiException.field(422, "size", "required: bytes, or a size such as \"20G\"");
            }
        } catch (ConfigException e) {
            throw ApiException.field(422, "size", "not a size: " + size);
        }
        if (bytes <= 0) {
            throw ApiException.field(422, "size", "must be positive");
        }
        return change(c, List.of(Paths.device(name)), Edits.resizeDevice(name, bytes), 200, force(body));
    }

    /**
     * Loads {@code image} (the handler's medium attribute): a document change like any other, so it
     * persists and is undone on failure. Loading the image the document already names puts it back
     * into a drive an initiator opened (START STOP UNIT): the tray closes, every nexus is told.
     * {@code force}: even while an initiator prevents medium removal (otherwise 409).
     */
    private Reply load(Call c) throws ApiException {
        String name = c.param("device");
        Map<String, Object> body = body(c, Set.of("medium", "image", "cartridge", "force"));
        // "medium", or the handler's own name for it: a vcdrom's image, a vtape's cartridge
        Object given = body.getOrDefault("medium", body.getOrDefault("image", body.get("cartridge")));
        if (!(given instanceof String image) || image.isBlank()) {
            throw ApiException.field(422, "medium", "required: the medium to load (a vcdrom's image path, a vtape's cartridge barcode)");
        }
        boolean force = force(body);
        String key = mediumKey(name);
        Config doc = changes.state().document();
        String path = Edits.devicePath(Edits.handlerOf(doc, name), name) + "." + Edits.q(key);
        if (doc.hasPath(path) && image.equals(doc.getString(path))) {
            ChangeManagerAwait.await("loading " + image + " into " + name, changes.live().changeMedium(name, image, force));
            return change(c, List.of(Paths.device(name)), (d, running) -> d, 200, force);
        }
        return change(c, List.of(Paths.device(name)), Edits.deviceKey(name, key, image), 200, force);
    }

    /**
     * A cartridge into ({@code in}) or out of a medium changer's import/export elements: the
     * changer's inventory changes (it is the changer's state, not the configuration's); its
     * initiators get 28/01. 409 when the changer refuses (no empty element, not there, prevented).
     */
    private Reply importExport(Call c, boolean in) throws ApiException {
        String name = c.param("device");
        Map<String, Object> body = body(c, Set.of("barcode", "force"));
        if (!(body.get("barcode") instanceof String barcode) || barcode.isBlank()) {
            throw ApiException.field(422, "barcode", "required: the cartridge's barcode");
        }
        if (Edits.handlerOf(changes.state().document(), name) == null) {
            throw new ApiException(404, "no device " + name);
        }
        ChangeManagerAwait.await((in ? "importing " : "exporting ") + barcode, changes.live().importExport(name, barcode, in,
                force(body)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("device", name);
        out.put(in ? "imported" : "exported", barcode);
        return new Reply(200, out, null, Map.of());
    }

    /** Empties the drive (removes the medium attribute from the document). */
    private Reply eject(Call c) throws ApiException {
        String name = c.param("device");
        Map<String, Object> body = body(c, Set.of("force"));
        return change(c, List.of(Paths.device(name)), Edits.deviceKey(name, mediumKey(name), null), 200, force(body));
    }

    /** The device's medium attribute: 404 without the device, 409 when its handler has no removable medium. */
    private String mediumKey(String device) throws ApiException {
        String handler = Edits.handlerOf(changes.state().document(), device);
        if (handler == null) {
            throw new ApiException(404, "no device " + device);
        }
        DeviceHandlerFactory h = changes.handlers().get(handler);
        if (h == null || h.mediumAttribute() == null) {
            throw new ApiException(409, "device " + device + " (" + handler + ") has no removable medium to load or eject");
        }
        return h.mediumAttribute();
    }

    private static boolean force(Map<String, Object> body) throws ApiException {
        Object force = body.get("force");
        if (force != null && !(force instanceof Boolean)) {
            throw ApiException.field(422, "force", "expected true or false");
        }
        return Boolean.TRUE.equals(force);
    }

    // ---- targets

    private Reply putTarget(Call c) throws ApiException {
        String name = c.param("target");
        Map<String, Object> body = body(c, Set.of("luns", "groups", "auth", "portal-groups", "redirect", "enabled"));
        boolean existed = Edits.targetKey(changes.state().document(), name) != null;
        return change(c, targetLocks(name, body), Edits.putTarget(name, body), existed ? 200 : 201);
    }

    /** A target and every device its new block maps (a device being removed meanwhile would break it). */
    private static List<String> targetLocks(String target, Map<String, Object> block) {
        List<String> out = new ArrayList<>(List.of(Paths.target(target)));
        collectDevices(block.get("luns"), out);
        if (block.get("groups") instanceof Map<?, ?> groups) {
            for (Object g : groups.values()) {
                if (g instanceof Map<?, ?> gm) {
                    collectDevices(gm.get("luns"), out);
                }
            }
        }
        return out;
    }

    private static void collectDevices(Object luns, List<String> out) {
        if (luns instanceof Map<?, ?> m) {
            for (Object v : m.values()) {
                Object d = v instanceof Map<?, ?> vm ? vm.get("device") : v;
                if (d instanceof String s) {
                    out.add(Paths.device(s));
                }
            }
        }
    }

    private Reply deleteTarget(Call c) throws ApiException {
        return change(c, List.of(Paths.target(c.param("target"))), Edits.removeTarget(c.param("target")), 200);
    }

    private Reply enable(Call c, boolean enabled) throws ApiException {
        body(c, Set.of());
        return change(c, List.of(Paths.target(c.param("target"))),
                Edits.targetKey(c.param("target"), "enabled", enabled ? null : Boolean.FALSE), 200);
    }

    private Reply putAuth(Call c) throws ApiException {
        Map<String, Object> body = body(c, Set.of("chap"));
        return change(c, List.of(Paths.target(c.param("target"))),
                Edits.targetKey(c.param("target"), "auth", body.isEmpty() ? Map.of() : body), 200);
    }

    private Reply putLun(Call c) throws ApiException {
        int lun = lun(c);
        Map<String, Object> body = body(c, Set.of("device", "read-only"));
        if (!(body.get("device") instanceof String device) || device.isBlank()) {
            throw ApiException.field(422, "device", "required: the device this LUN exports");
        }
        if (body.containsKey("read-only") && !(body.get("read-only") instanceof Boolean)) {
            throw ApiException.field(422, "read-only", "expected true or false");
        }
        Map<String, Object> mapping = new LinkedHashMap<>();
        mapping.put("device", device);
        if (Boolean.TRUE.equals(body.get("read-only"))) {
            mapping.put("read-only", true);
        }
        return change(c, List.of(Paths.target(c.param("target")), Paths.device(device)),
                Edits.putLun(c.param("target"), c.param("group"), lun, mapping), 200);
    }

    private Reply deleteLun(Call c) throws ApiException {
        int lun = lun(c);
        return change(c, List.of(Paths.target(c.param("target"))),
                Edits.removeLun(c.param("target"), c.param("group"), lun), 200);
    }

    private static int lun(Call c) throws ApiException {
        String v = c.param("lun");
        if (!LUN.matcher(v).matches() || Integer.parseInt(v) > 16383) {
            throw ApiException.field(400, "lun", "not a LUN number 0..16383: " + v);
        }
        return Integer.parseInt(v);
    }

    private Reply putGroup(Call c) throws ApiException {
        Map<String, Object> body = body(c, Set.of("initiators", "luns", "auth"));
        List<String> locks = new ArrayList<>(List.of(Paths.target(c.param("target"))));
        collectDevices(body.get("luns"), locks);
        return change(c, locks, Edits.putGroup(c.param("target"), c.param("group"), body), 200);
    }

    private Reply deleteGroup(Call c) throws ApiException {
        return change(c, List.of(Paths.target(c.param("target"))),
                Edits.removeGroup(c.param("target"), c.param("group")), 200);
    }

    private Reply putInitiator(Call c) throws ApiException {
        body(c, Set.of());
        return change(c, List.of(Paths.target(c.param("target"))),
                Edits.addInitiator(c.param("target"), c.param("group"), c.param("initiator")), 200);
    }

    private Reply deleteInitiator(Call c) throws ApiException {
        return change(c, List.of(Paths.target(c.param("target"))),
                Edits.removeInitiator(c.param("target"), c.param("group"), c.param("initiator")), 200);
    }

    private Reply moveInitiator(Call c) throws ApiException {
        Map<String, Object> body = body(c, Set.of("to"));
        if (!(body.get("to") instanceof String to) || to.isBlank()) {
            throw ApiException.field(422, "to", "required: the group to move the initiator to");
        }
        return change(c, List.of(Paths.target(c.param("target"))),
                Edits.moveInitiator(c.param("target"), c.param("group"), c.param("initiator"), to), 200);
    }

    // ---- driver, portals, sessions

    private Reply patchDriver(Call c) throws ApiException {
        Map<String, Object> body = body(c, null);
        if (body.isEmpty()) {
            throw new ApiException(422, "no setting to change");
        }
        return change(c, List.of(Paths.DRIVER), Edits.patchDriver(body), 200);
    }

    private Reply putPortal(Call c) throws ApiException {
        body(c, Set.of());
        String p = c.param("portal");
        if (org.scstj.mgmt.config.Portal.parse(p).isEmpty()) {
            throw ApiException.field(400, "portal", "not HOST:PORT with a port 1..65535: " + p);
        }
        return change(c, List.of(Paths.DRIVER), Edits.addPortal(p), 201);
    }

    private Reply deletePortal(Call c) throws ApiException {
        return change(c, List.of(Paths.DRIVER), Edits.removePortal(c.param("portal")), 200);
    }

    private Reply closeSession(Call c) throws ApiException {
        String id = c.param("session");
        findSession(id);
        boolean found = ChangeManagerAwait.await("closing session " + id, changes.live().closeSession(id));
        if (!found) {
            throw new ApiException(404, "no session " + id);
        }
        return Reply.ok(Map.of("closed", id));
    }

    private Reply logout(Call c) throws ApiException {
        String id = c.param("session");
        findSession(id);
        boolean found = ChangeManagerAwait.await("asking session " + id + " to log out", changes.live().requestLogout(id));
        if (!found) {
            throw new ApiException(404, "no session " + id);
        }
        return new Reply(202, Map.of("logout-requested", id), null, Map.of());
    }

    // ---- whole configurations

    private Reply plan(Call c) throws ApiException {
        Config doc = configBody(c);
        ChangeManager.Result r = changes.plan(doc);
        return Reply.ok(result(r));
    }

    private Reply apply(Call c) throws ApiException {
        Config doc = configBody(c);
        ChangeManager.Result r = changes.replace(doc, new ChangeManager.Options(c.flag("allow-disruptive"),
                c.flag("dry-run"), Map.of(), false, true));
        return Reply.ok(result(r));
    }

    private Reply write(Call c) throws ApiException {
        if (changes.store() == null) {
            throw new ApiException(409, "this daemon runs an embedded configuration: there is no file to write");
        }
        try {
            changes.store().write(changes.state().document(), "Written by scstj admin write-config.");
        } catch (java.io.IOException e) {
            throw new ApiException(500, "cannot write " + changes.store().file() + ": " + e.getMessage());
        }
        return Reply.ok(Map.of("written", changes.store().file().toString(), "revision", changes.state().revision()));
    }

    private static Config configBody(Call c) throws ApiException {
        String text = new String(c.body(), StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw ApiException.field(422, "body", "empty: send a whole scstj configuration (HOCON)");
        }
        try {
            Config parsed = ConfigFactory.parseString(text, ConfigParseOptions.defaults()
                    .setOriginDescription("request body").setSyntax(ConfigSyntax.CONF));
            return ConfigLoader.document(parsed);
        } catch (ConfigException e) {
            throw ApiException.field(422, "body", e.getMessage());
        }
    }

    // ---- common

    private Reply change(Call c, List<String> objects, ChangeManager.Edit edit, int created) throws ApiException {
        return change(c, objects, edit, created, false);
    }

    private Reply change(Call c, List<String> objects, ChangeManager.Edit edit, int created, boolean force)
            throws ApiException {
        Map<String, Long> expected = c.ifMatch() == null ? Map.of() : Map.of(c.object(), c.ifMatch());
        ChangeManager.Result r = changes.change(objects, edit,
                ChangeManager.Options.api(c.flag("dry-run"), expected, force));
        Map<String, Object> out = result(r);
        long generation = changes.generation(c.object());
        out.put("generation", generation);
        return new Reply(r.applied() ? created : 200, out, null, Map.of("ETag", "\"" + generation + "\""));
    }

    static Map<String, Object> result(ChangeManager.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("revision", r.revision());
        out.put("applied", r.applied());
        out.put("steps", r.steps().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", s.action().name().toLowerCase());
            m.put("object", s.object());
            m.put("detail", s.detail());
            m.put("disruptive", s.disruptive());
            m.put("restart", s.restart());
            return m;
        }).toList());
        out.put("warnings", r.warnings());
        return out;
    }

    private static int depth(Call c, int def) throws ApiException {
        String v = c.query().get("depth");
        if (v == null) {
            return def;
        }
        if (!v.matches("\\d{1,2}")) {
            throw ApiException.field(400, "depth", "expected 0..99, not " + v);
        }
        return Integer.parseInt(v);
    }

    /** The JSON object body; {@code allowed} null accepts any member. Unknown members are refused. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> body(Call c, Set<String> allowed) throws ApiException {
        if (c.body().length == 0) {
            return new LinkedHashMap<>();
        }
        Object parsed;
        try {
            parsed = JSON.readValue(c.body(), Object.class);
        } catch (JsonProcessingException e) {
            throw ApiException.field(400, "body", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.field(400, "body", "unreadable: " + e.getMessage());
        }
        if (parsed == null) {
            return new LinkedHashMap<>();
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw ApiException.field(400, "body", "expected a JSON object");
        }
        Map<String, Object> m = (Map<String, Object>) parsed;
        if (allowed != null) {
            List<ApiException.Problem> unknown = m.keySet().stream().filter(k -> !allowed.contains(k))
                    .map(k -> new ApiException.Problem(k, "unknown attribute (known: " + allowed + ")")).toList();
            if (!unknown.isEmpty()) {
                throw new ApiException(422, "unknown attribute(s): " + unknown.stream().map(ApiException.Problem::field)
                        .toList(), unknown);
            }
        }
        return m;
    }

    /** Matches a request to a route: the route and its decoded path parameters, or why not (404/405). */
    record Match(Route route, Map<String, String> params) {
    }

    /** A template's last segment that matches the rest of the path. */
    private static final String REST = "{path}";

    Match match(String method, List<String> segments) throws ApiException {
        boolean pathFound = false;
        for (Route r : routes) {
            List<String> t = r.segments();
            // a last {path} takes the rest of the path, slashes kept (an actor's path)
            boolean rest = t.getLast().equals(REST);
            if (rest ? segments.size() < t.size() : t.size() != segments.size()) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < t.size() && ok; i++) {
                String part = t.get(i);
                if (part.startsWith("{")) {
                    List<String> taken = rest && i == t.size() - 1 ? segments.subList(i, segments.size())
                            : List.of(segments.get(i));
                    for (String v : taken) {
                        if (v.isEmpty() || v.equals(".") || v.equals("..") || v.contains("/") || v.chars().anyMatch(ch -> ch < 0x20)) {
                            throw ApiException.field(400, part.substring(1, part.length() - 1), "not a valid name: " + v);
                        }
                    }
                    params.put(part.substring(1, part.length() - 1), String.join("/", taken));
                } else {
                    ok = part.equals(segments.get(i));
                }
            }
            if (ok) {
                pathFound = true;
                if (r.method().equals(method)) {
                    return new Match(r, params);
                }
            }
        }
        if (pathFound) {
            throw new ApiException(405, method + " is not allowed here");
        }
        throw new ApiException(404, "no such resource: /" + String.join("/", segments));
    }
}
