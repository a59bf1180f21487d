package org.scstj.mgmt.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.cluster.ClusterNode;
import org.scstj.mgmt.config.ConfigLoader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code GET /api/v1/cluster} and {@code POST /api/v1/cluster/leave} against a fake node (ClusterApi). */
class ClusterApiTest {
    @TempDir
    Path dir;
    private final FakeLive live = new FakeLive();
    private final AtomicInteger leaves = new AtomicInteger();
    private final List<String> downs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Api api;

    @BeforeEach
    void setUp() throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, "scstj { state-dir = \"" + dir + "\" }\n");
        var handlers = ConfigLoader.installedHandlers();
        ChangeManager changes = new ChangeManager(new ConfigLoader(handlers), handlers, live, null, "s.conf",
                ConfigLoader.document(file), new ConfigLoader(handlers).load(file));
        api = new Api(changes);
    }

    private void clustered() {
        ClusterNode.View view = new ClusterNode.View("n2", "n1", List.of(
                new ClusterNode.MemberView("n1", "127.0.0.1:25520", List.of("storage"), "up", true),
                new ClusterNode.MemberView("n2", "127.0.0.2:25520", List.of("storage"), "up", true),
                new ClusterNode.MemberView("n3", "127.0.0.3:25520", List.of("witness"), "absent", false)),
                false, Duration.ofMillis(2100), 1, Duration.ofMillis(2500), "fast");
        live.cluster = new ClusterControl() {
            @Override
            public ClusterNode.View view() {
                return view;
            }

            @Override
            public void leave() {
                leaves.incrementAndGet();
            }

            @Override
            public boolean down(String node) {
                downs.add(node);
                return true;
            }
        };
    }

    private Api.Reply call(String method, String template, String body) throws ApiException {
        Api.Route route = api.routes().stream().filter(r -> r.method().equals(method) && r.template().equals(template))
                .findFirst().orElseThrow();
        return route.handler().handle(new Api.Call(method, template, route, Map.of(), Map.of(),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), null, Tokens.Role.ADMIN));
    }

    @Test
    void singleNode_bothRoutesAnswer404() {
        assertEquals(404, assertThrows(ApiException.class, () -> call("GET", "/api/v1/cluster/lus", null)).status());
        assertEquals(404, assertThrows(ApiException.class,
                () -> call("POST", "/api/v1/cluster/down", "{\"node\":\"n1\"}")).status());
        assertEquals(404, assertThrows(ApiException.class, () -> call("GET", "/api/v1/cluster", null)).status());
        assertEquals(404, assertThrows(ApiException.class, () -> call("POST", "/api/v1/cluster/leave", null)).status());
    }

    @Test
    void get_showsMembersLeaderAndTheFence() throws Exception {
        clustered();
        String json = Api.JSON.writeValueAsString(call("GET", "/api/v1/cluster", null).json());
        var tree = Api.JSON.readTree(json);
        assertEquals("n2", tree.path("self").asText());
        assertEquals("n1", tree.path("leader").asText());
        assertEquals(3, tree.path("members").size());
        assertEquals("absent", tree.path("members").get(2).path("status").asText());
        assertEquals(List.of("witness"), List.of(tree.path("members").get(2).path("roles").get(0).asText()));
        assertEquals(false, tree.path("fence").path("fenced").asBoolean());
        assertEquals(2100, tree.path("fence").path("leaseRemainingMs").asLong());
        assertEquals(1, tree.path("fence").path("fences").asInt());
        assertEquals("fast", tree.path("failoverTiming").asText());
    }

    @Test
    void lus_showsEachDevicesControlNodeAndItsGroupsAluaOwner() throws Exception {
        Path file = dir.resolve("c.conf");
        Files.writeString(file, """
                scstj {
                  state-dir = "%s"
                  handlers.vdisk_nullio { a { size = 1G }, b { size = 1G }, c { size = 1G } }
                  target-drivers.iscsi {
                    portal-groups { p1 { tag = 1, portals = ["127.0.0.1:13260"] } }
                    targets { "iqn.2026-12.org.scstj:l" { luns { 0 = a, 1 = b, 2 = c } } }
                  }
                  alua {
                    target-groups { g1 { id = 1, portal-groups = [p1] } }
                    device-groups { db { devices = [a, b], states { g1 = active-optimized } } }
                  }
                }
                """.formatted(dir));
        var handlers = ConfigLoader.installedHandlers();
        ChangeManager changes = new ChangeManager(new ConfigLoader(handlers), handlers, live, null, "c.conf",
                ConfigLoader.document(file), new ConfigLoader(handlers).load(file));
        api = new Api(changes);
        clustered();
        ClusterControl base = live.cluster;
        List<java.util.Collection<String>> asked = new java.util.ArrayList<>();
        live.cluster = new ClusterControl() {
            @Override
            public ClusterNode.View view() {
                return base.view();
            }

            @Override
            public void leave() {
            }

            @Override
            public Map<String, String> aluaOwners() {
                return Map.of("db", "n1");
            }

            @Override
            public java.util.concurrent.CompletionStage<Map<String, ClusterNode.LuHost>> controlHosts(
                    java.util.Collection<String> devices) {
                asked.add(List.copyOf(devices));
                return java.util.concurrent.CompletableFuture.completedFuture(Map.of(
                        "a", new ClusterNode.LuHost("7", "n3"), "b", new ClusterNode.LuHost("12", "n1"),
                        "c", new ClusterNode.LuHost("40", null)));
            }
        };
        var tree = Api.JSON.readTree(Api.JSON.writeValueAsString(call("GET", "/api/v1/cluster/lus", null).json()));
        assertEquals(List.of(List.of("a", "b", "c")), asked);
        assertEquals("n2", tree.path("self").asText());
        assertEquals(0, tree.path("configRevision").asLong());
        var lus = tree.path("lus");
        assertEquals(3, lus.size());
        assertEquals("a", lus.get(0).path("device").asText());
        assertEquals("n3", lus.get(0).path("controlNode").asText());
        assertEquals("7", lus.get(0).path("shard").asText());
        assertEquals("db", lus.get(0).path("deviceGroup").asText());
        assertEquals("n1", lus.get(0).path("aluaOwner").asText());
        assertEquals("n1", lus.get(1).path("controlNode").asText());
        assertTrue(lus.get(2).path("controlNode").isNull(), "shard not allocated now");
        assertTrue(lus.get(2).path("deviceGroup").isNull() && lus.get(2).path("aluaOwner").isNull());
    }

    @Test
    void down_anotherMember202_thisNodeUnknownAbsentOrNoBodyRefusedWithoutDowning() throws Exception {
        clustered();
        Api.Reply r = call("POST", "/api/v1/cluster/down", "{\"node\":\"n1\"}");
        assertEquals(202, r.status());
        assertEquals(List.of("n1"), downs);
        var tree = Api.JSON.readTree(Api.JSON.writeValueAsString(r.json()));
        assertEquals("up", tree.path("was").asText());
        ApiException self = assertThrows(ApiException.class, () -> call("POST", "/api/v1/cluster/down", "{\"node\":\"n2\"}"));
        assertEquals(422, self.status());
        assertTrue(self.getMessage().contains("cluster leave"), self.getMessage());
        assertEquals(422, assertThrows(ApiException.class,
                () -> call("POST", "/api/v1/cluster/down", "{\"node\":\"n9\"}")).status());
        assertEquals(409, assertThrows(ApiException.class,
                () -> call("POST", "/api/v1/cluster/down", "{\"node\":\"n3\"}")).status(), "n3 is absent");
        assertEquals(422, assertThrows(ApiException.class, () -> call("POST", "/api/v1/cluster/down", null)).status());
        assertEquals(422, assertThrows(ApiException.class, () -> call("POST", "/api/v1/cluster/down", "{}")).status());
        assertEquals(422, assertThrows(ApiException.class,
                () -> call("POST", "/api/v1/cluster/down", "{\"node\":\"n1\",\"x\":1}")).status());
        assertEquals(List.of("n1"), downs, "nothing else was downed");
    }

    @Test
    void leave_withoutBodyOrNamingThisNode_leaves202() throws Exception {
        clustered();
        assertEquals(202, call("POST", "/api/v1/cluster/leave", null).status());
        assertEquals(202, call("POST", "/api/v1/cluster/leave", "{\"node\":\"n2\"}").status());
        assertEquals(2, leaves.get());
    }

    @Test
    void leave_anotherNode_unknownField_notJson_refusedWithoutLeaving() throws Exception {
        clustered();
        ApiException other = assertThrows(ApiException.class, () -> call("POST", "/api/v1/cluster/leave", "{\"node\":\"n3\"}"));
        assertEquals(422, other.status());
        assertTrue(other.getMessage().contains("this node is n2"), other.getMessage());
        assertEquals(422, assertThrows(ApiException.class,
                () -> call("POST", "/api/v1/cluster/leave", "{\"nodes\":\"n2\"}")).status());
        assertEquals(400, assertThrows(ApiException.class, () -> call("POST", "/api/v1/cluster/leave", "{node")).status());
        assertEquals(400, assertThrows(ApiException.class, () -> call("POST", "/api/v1/cluster/leave", "[1]")).status());
        assertEquals(0, leaves.get());
    }
}
