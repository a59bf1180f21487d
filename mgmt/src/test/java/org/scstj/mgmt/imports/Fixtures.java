package org.scstj.mgmt.imports;

import com.typesafe.config.ConfigFactory;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.InvalidConfigException;
import org.scstj.mgmt.config.ScstjConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The sample files under {@code imports/} and scstj's own validator for what they import to. */
final class Fixtures {
    private Fixtures() {
    }

    static String read(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/imports/" + name)) {
            if (in == null) {
                throw new IOException("no test resource imports/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Loads {@code hocon} exactly as {@code scstj check} would, with the installed handlers. */
    static ScstjConfig validate(String hocon) throws InvalidConfigException {
        return new ConfigLoader(ConfigLoader.installedHandlers()).load("imported", hocon, ConfigFactory.empty());
    }

    static String hocon(ImportedConfig c) {
        return HoconWriter.write(c, "/var/lib/scstj", List.of("test"));
    }
}
