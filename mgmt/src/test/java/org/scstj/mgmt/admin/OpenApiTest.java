package org.scstj.mgmt.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.mgmt.config.ConfigLoader;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The OpenAPI document names exactly the routes the table serves, each with its role. */
class OpenApiTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentAndTheRouteTableAgree() throws Exception {
        JsonNode doc;
        try (InputStream in = Api.class.getResourceAsStream("openapi.json")) {
            assertNotNull(in, "openapi.json is on the class path");
            doc = new ObjectMapper().readTree(in);
        }
        assertEquals("3.1.0", doc.get("openapi").asText());
        Set<String> documented = new TreeSet<>();
        Iterator<String> paths = doc.get("paths").fieldNames();
        while (paths.hasNext()) {
            String p = paths.next();
            Iterator<String> methods = doc.get("paths").get(p).fieldNames();
            while (methods.hasNext()) {
                String m = methods.next();
                String role = doc.get("paths").get(p).get(m).get("x-scstj-role").asText();
                documented.add(m.toUpperCase() + " " + p + " " + role);
            }
        }
        Path file = dir.resolve("s.conf");
        Files.writeString(file, "scstj { state-dir = \"" + dir + "\" }\n");
        var handlers = ConfigLoader.installedHandlers();
        ChangeManager changes = new ChangeManager(new ConfigLoader(handlers), handlers, new FakeLive(), null, "s.conf",
                ConfigLoader.document(file), new ConfigLoader(handlers).load(file));
        Set<String> served = new TreeSet<>();
        for (Api.Route r : new Api(changes).routes()) {
            served.add(r.method() + " " + r.template() + " " + (r.change() ? "admin" : "read-only"));
        }
        assertFalse(served.isEmpty());
        assertEquals(served, documented);
    }
}
