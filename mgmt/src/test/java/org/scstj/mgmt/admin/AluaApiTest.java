package org.scstj.mgmt.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.alua.Tpgs;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ALUA routes (docs/design/cluster.md 2.7) against a recording engine: a state set through the
 * API is validated, goes through the change machinery (generation, file, rollback) and reaches the
 * engine as the new scstj.alua; every bad input is refused naming its field and changes nothing.
 */
class AluaApiTest {
    static final String T = "iqn.2026-12.org.scstj:alua";

    @TempDir
    Path dir;
    Path file;
    FakeLive live;
    ChangeManager changes;
    Api api;
    List<DeviceHandlerFactory> handlers = ConfigLoader.installedHandlers();

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("scstj.conf");
        Files.writeString(file, """
                scstj {
                  state-dir = "%s"
                  handlers.vdisk_nullio { n0 { size = 1G }, n1 { size = 1G } }
                  alua {
                    target-groups { fast { id = 10, portal-groups = [one] } }
                    device-groups { db { devices = [n0], states { slow = standby }, preferred = [fast] } }
                  }
                  target-drivers.iscsi {
                    portal-groups {
                      one { tag = 1, portals = ["127.0.0.1:13301"] }
                      slow { tag = 2, portals = ["127.0.0.1:13302"] }
                    }
                    targets { "%s" { luns { 0 = n0, 1 = n1 } } }
                  }
                }
                """.formatted(dir.resolve("state"), T));
        ScstjConfig running = new ConfigLoader(handlers).load(file);
        live = new FakeLive();
        live.targets = running.engine().targets();
        changes = new ChangeManager(new ConfigLoader(handlers), handlers, live, new ConfigStore(file, 3), file.toString(),
                ConfigLoader.document(file), running);
        api = new Api(changes);
    }

    private Api.Reply call(String method, String path, String body, Long ifMatch) throws ApiException {
        List<String> segments = List.of(path.substring(1).split("/"));
        Api.Match m = api.match(method, segments);
        return m.route().handler().handle(new Api.Call(method, path, m.route(), m.params(), Map.of(),
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), ifMatch, Tokens.Role.ADMIN));
    }

    private Api.Reply put(String group, String tpg, String body) throws ApiException {
        return call("PUT", "/api/v1/alua/device-groups/" + group + "/states/" + tpg, body, null);
    }

    private ApiException refused(String group, String tpg, String body) {
        return assertThrows(ApiException.class, () -> put(group, tpg, body));
    }

    private ScstjConfig restarted() throws Exception {
        return new ConfigLoader(handlers).load(file);
    }

    @Test
    void putState_isValidatedPersistedAndGivenToTheEngine() throws Exception {
        Api.Reply r = put("db", "10", "{\"state\": \"standby\", \"preferred\": false}");
        assertEquals(200, r.status());
        assertEquals(true, ((Map<?, ?>) r.json()).get("applied"));
        assertEquals(List.of("reconfigureAlua [db{2=STANDBY, 10=STANDBY}[]]"), live.calls("reconfigureAlua"));
        assertEquals(List.of("applyConfiguredAlua [n0]"), live.calls("applyConfiguredAlua"),
                "the group's LUs are put in the configured states even where the file said so already");
        var group = restarted().engine().alua().deviceGroups().getFirst();
        assertEquals(Map.of(10, AccessState.STANDBY, 2, AccessState.STANDBY), group.states(), "written to the file");
        assertEquals(Set.of(), group.preferred());
        assertEquals(restarted().engine().alua(), changes.state().config().engine().alua());
        assertTrue(Files.readString(file).contains("slow"), "the file's own spelling of the other group is kept");

        put("db", "slow", "{\"state\": \"active-optimized\", \"preferred\": true}");
        group = restarted().engine().alua().deviceGroups().getFirst();
        assertEquals(Map.of(10, AccessState.STANDBY, 2, AccessState.ACTIVE_OPTIMIZED), group.states(),
                "slow set under its name, not twice");
        assertEquals(Set.of(2), group.preferred());
        assertEquals(2, live.calls("reconfigureAlua").size());
    }

    @Test
    void aReloadOfTheFile_thatChangesScstjAlua_reachesTheEngine_withAStepPerDeviceGroup() throws Exception {
        String text = Files.readString(file).replace("states { slow = standby }", "states { slow = unavailable }");
        Files.writeString(file, text);
        ChangeManager.Result r = changes.replace(ConfigLoader.document(file),
                new ChangeManager.Options(false, false, Map.of(), false, false)); // as SIGHUP does
        assertTrue(r.applied());
        assertEquals(List.of(Paths.deviceGroup("db")), r.steps().stream().map(Plan.Step::object).toList());
        assertEquals(List.of("reconfigureAlua [db{2=UNAVAILABLE}[10]]"), live.calls("reconfigureAlua"));
        assertEquals(2, changes.generation(Paths.deviceGroup("db")));
    }

    @Test
    void theTree_hasTheTargetGroupsAndDeviceGroups_withTheirGenerations() throws Exception {
        put("db", "10", "{\"state\": \"standby\"}");
        Map<String, Object> root = new Tree(changes, List.of(), true).root(12);
        Map<String, Object> db = Tree.find(root, Paths.deviceGroup("db"));
        assertEquals("device-group", db.get("kind"));
        assertEquals(2L, db.get("generation"));
        assertEquals(Map.of("2", "standby", "10", "standby"),
                ((Map<?, ?>) ((Map<?, ?>) db.get("attributes")).get("states")).get("value"));
        Map<String, Object> fast = Tree.find(root, Paths.targetGroup("fast"));
        assertEquals(10, ((Map<?, ?>) ((Map<?, ?>) fast.get("attributes")).get("id")).get("value"));
        assertEquals("alua", Tree.find(root, Paths.ALUA).get("kind"));
    }

    @Test
    void aStaleGeneration_is409() throws Exception {
        put("db", "10", "{\"state\": \"standby\"}");
        long now = changes.generation(Paths.deviceGroup("db"));
        String path = "/api/v1/alua/device-groups/db/states/10";
        ApiException e = assertThrows(ApiException.class,
                () -> call("PUT", path, "{\"state\": \"unavailable\"}", now - 1));
        assertEquals(409, e.status());
        assertEquals(200, call("PUT", path, "{\"state\": \"unavailable\"}", now).status());
    }

    @Test
    void badInputs_areRefusedNamingTheField_andChangeNothing() throws Exception {
        String before = Files.readString(file);
        Object[][] cases = {
                {"db", "10", "{\"state\": \"transitioning\"}", 422, "state"},
                {"db", "10", "{\"state\": \"sleepy\"}", 422, "state"},
                {"db", "10", "{}", 422, "state"},
                {"db", "10", "{\"state\": 2}", 422, "state"},
                {"db", "10", "{\"state\": \"standby\", \"preferred\": \"yes\"}", 422, "preferred"},
                {"db", "10", "{\"state\": \"standby\", \"colour\": \"red\"}", 422, "colour"},
                {"db", "10", "[1]", 400, "body"},
                {"nosuch", "10", "{\"state\": \"standby\"}", 404, "group"},
                {"db", "99", "{\"state\": \"standby\"}", 404, "tpg"},
                {"db", "one", "{\"state\": \"standby\"}", 404, "tpg"},
        };
        for (Object[] c : cases) {
            ApiException e = refused((String) c[0], (String) c[1], (String) c[2]);
            assertEquals(c[3], e.status(), c[2] + ": " + e.getMessage());
            assertEquals(c[4], e.problems().getFirst().field(), c[2] + ": " + e.getMessage());
        }
        assertEquals(before, Files.readString(file));
        assertEquals(List.of(), live.calls("reconfigureAlua"));
        assertEquals(List.of(), live.calls("applyConfiguredAlua"));
        assertEquals(1, changes.state().revision());
    }

    @Test
    void aStateTheFileHasAlready_changesNoFile_butPutsTheLusInIt() throws Exception {
        String before = Files.readString(file);
        Api.Reply r = put("db", "slow", "{\"state\": \"standby\"}");
        assertEquals(false, ((Map<?, ?>) r.json()).get("applied"), "no change to the configuration");
        assertEquals(before, Files.readString(file));
        assertEquals(List.of(), live.calls("reconfigureAlua"));
        assertEquals(List.of("applyConfiguredAlua [n0]"), live.calls("applyConfiguredAlua"),
                "a SET TARGET PORT GROUPS may have moved them");
    }

    @Test
    void anEngineThatFails_leavesTheFileAndTheRunningConfiguration() throws Exception {
        String before = Files.readString(file);
        live.failOn = "reconfigureAlua";
        ApiException e = refused("db", "10", "{\"state\": \"standby\"}");
        assertEquals(409, e.status(), e.getMessage());
        assertEquals(before, Files.readString(file));
        assertEquals(1, changes.state().revision());
        assertEquals(AccessState.ACTIVE_OPTIMIZED, changes.state().config().engine().alua().deviceGroups().getFirst()
                .states().getOrDefault(10, AccessState.ACTIVE_OPTIMIZED));
    }

    @Test
    void putIsAnAdminRoute_andADryRunChangesNothing() throws Exception {
        assertTrue(api.match("PUT", List.of("api", "v1", "alua", "device-groups", "db", "states", "10")).route().change(),
                "a read-only token gets 403 (AdminServer)");
        assertTrue(!api.match("GET", List.of("api", "v1", "alua")).route().change());
        List<String> segments = List.of("api", "v1", "alua", "device-groups", "db", "states", "10");
        Api.Match m = api.match("PUT", segments);
        Api.Reply r = m.route().handler().handle(new Api.Call("PUT", "/" + String.join("/", segments), m.route(), m.params(),
                Map.of("dry-run", "true"), "{\"state\": \"standby\"}".getBytes(StandardCharsets.UTF_8), null,
                Tokens.Role.ADMIN));
        assertEquals(false, ((Map<?, ?>) r.json()).get("applied"));
        assertEquals(List.of(), live.calls("reconfigureAlua"));
        assertEquals(List.of(), live.calls("applyConfiguredAlua"));
    }

    @Test
    void get_showsTheGroupsAndEachLusStatePerTargetPortGroup() throws Exception {
        live.aluaStates = Map.of("n0", new AluaState(3, List.of(
                new TargetPortGroup(2, AccessState.STANDBY, false, TargetPortGroup.ALTERED_IMPLICITLY, new int[] {2}),
                new TargetPortGroup(10, AccessState.ACTIVE_OPTIMIZED, true, TargetPortGroup.NO_STATUS, new int[] {1})),
                10, Duration.ZERO, Tpgs.BOTH));
        JsonNode j = Api.JSON.valueToTree(call("GET", "/api/v1/alua", null, null).json());
        assertEquals("[{\"name\":\"slow\",\"id\":2,\"portal-group-tags\":[2],\"generation\":1},"
                + "{\"name\":\"fast\",\"id\":10,\"portal-group-tags\":[1],\"generation\":1}]", j.get("target-groups").toString());
        assertEquals("{\"name\":\"db\",\"devices\":[\"n0\"],\"states\":{\"2\":\"standby\"},\"preferred\":[10],\"generation\":1}",
                j.get("device-groups").get(0).toString());
        JsonNode lu = j.get("devices").get(0);
        assertEquals("n0", lu.get("device").asText());
        assertEquals("db", lu.get("device-group").asText());
        assertEquals("{\"id\":2,\"name\":\"slow\",\"state\":\"standby\",\"preferred\":false,\"status-code\":2,"
                + "\"status\":\"altered-implicitly\",\"relative-target-ports\":[2]}", lu.get("target-port-groups").get(0).toString());
        assertEquals(10, j.get("implicit-transition-time").asInt());
    }
}
