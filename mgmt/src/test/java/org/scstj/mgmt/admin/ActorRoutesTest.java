package org.scstj.mgmt.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.mgmt.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The actor routes' matching: an actor's path keeps its slashes; without an engine they answer 503. */
class ActorRoutesTest {
    @TempDir
    Path dir;

    private Api api() throws Exception {
        Path file = dir.resolve("s.conf");
        Files.writeString(file, "scstj { state-dir = \"" + dir + "\" }\n");
        var handlers = ConfigLoader.installedHandlers();
        ChangeManager changes = new ChangeManager(new ConfigLoader(handlers), handlers, new FakeLive(), null, "s.conf",
                ConfigLoader.document(file), new ConfigLoader(handlers).load(file));
        return new Api(changes);
    }

    @Test
    void anActorsPath_takesTheRestOfTheUrl_eachSegmentChecked() throws Exception {
        Api api = api();
        Api.Match m = api.match("GET", List.of("api", "v1", "actors", "target-iqn.2026-12.org.x:t", "session-3", "tmf-1"));
        assertEquals("/api/v1/actors/{path}", m.route().template());
        assertEquals(Map.of("path", "target-iqn.2026-12.org.x:t/session-3/tmf-1"), m.params());
        assertEquals("/api/v1/actors/{path}", api.match("GET", List.of("api", "v1", "actors", "lun-disk01")).route().template());
        assertEquals("/api/v1/actors", api.match("GET", List.of("api", "v1", "actors")).route().template());
        assertEquals(400, assertThrows(ApiException.class,
                () -> api.match("GET", List.of("api", "v1", "actors", "lun-a", ".."))).status());
        assertEquals(405, assertThrows(ApiException.class,
                () -> api.match("DELETE", List.of("api", "v1", "actors", "lun-a"))).status());
        assertEquals(404, assertThrows(ApiException.class,
                () -> api.match("GET", List.of("api", "v1", "sessions", "a", "b"))).status(), "other routes stay exact");
    }

    @Test
    void withoutAnEngine_theActorRoutesAnswer503() throws Exception {
        Api api = api();
        for (List<String> path : List.of(List.of("api", "v1", "actors"), List.of("api", "v1", "actors", "lun-a"),
                List.of("api", "v1", "dispatchers"))) {
            Api.Match m = api.match("GET", path);
            Api.Call call = new Api.Call("GET", "/" + String.join("/", path), m.route(), m.params(), Map.of(), new byte[0],
                    null, Tokens.Role.READ_ONLY);
            assertEquals(503, assertThrows(ApiException.class, () -> m.route().handler().handle(call)).status(), path.toString());
        }
    }
}
