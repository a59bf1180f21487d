package org.scstj.mgmt;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.InvalidConfigException;
import org.scstj.mgmt.config.Portal;
import org.scstj.mgmt.config.ScstjConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code scstj demo}: the embedded {@code demo.conf} with the portal and state directory from the flags. */
final class Demo {
    static final String RESOURCE = "demo.conf";

    private Demo() {
    }

    /** The demo configuration for these flags, validated (the state directory must exist already). */
    static ScstjConfig config(Command.Demo demo, List<DeviceHandlerFactory> handlers) throws InvalidConfigException, IOException {
        return new ConfigLoader(handlers).load(RESOURCE, text(), overrides(demo));
    }

    private static Config overrides(Command.Demo demo) {
        return ConfigFactory.parseMap(Map.of(
                "scstj.state-dir", demo.stateDir().toAbsolutePath().normalize().toString(),
                "scstj.target-drivers.iscsi.portals", List.of(demo.listen().toString())), "command line");
    }

    /** The demo configuration as the admin plane edits it (changes last until the demo stops). */
    static Config document(Command.Demo demo) throws IOException {
        return ConfigLoader.document(overrides(demo).withFallback(ConfigFactory.parseString(text())));
    }

    static String text() throws IOException {
        try (InputStream in = Demo.class.getResourceAsStream("/" + RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The web dashboard's address, from the URL file the admin API writes at start (none when it is disabled). */
    private static void dashboard(Path stateDir, PrintStream out) {
        Path url = stateDir.resolve("admin").resolve("url");
        try {
            if (java.nio.file.Files.isRegularFile(url)) {
                out.println();
                out.println("Or in a browser, the web dashboard (docs/dashboard.md):");
                out.println("  " + java.nio.file.Files.readString(url).trim() + "/ui/   sign in with the token in "
                        + stateDir.resolve("admin").resolve("admin.token"));
            }
        } catch (IOException e) {
            // no address to show
        }
    }

    /** What to try once the demo target is up. */
    static void printUrls(ScstjConfig config, PrintStream out) {
        Portal portal = config.portals().getFirst();
        String base = "iscsi://" + portal.connectAddress();
        TargetSpec target = config.engine().targets().getFirst();
        out.println();
        out.println("scstj demo is serving " + target.name() + " on " + portal + ":");
        for (var lun : target.defaultLuns()) {
            config.engine().devices().stream().filter(d -> d.name().equals(lun.device())).findFirst().ifPresent(d ->
                    out.println("  LUN " + lun.lun() + ": " + d.name() + ", " + d.handlerType() + ", " + d.config().getString("size")
                            + (d.config().hasPath("filename") ? ", file " + d.config().getString("filename") : "")));
        }
        out.println();
        out.println("Try, from another terminal (libiscsi-bin, qemu-utils, qemu-block-extra, open-iscsi):");
        out.println("  iscsi-ls -s " + base);
        out.println("  iscsi-inq " + base + "/" + target.name() + "/0");
        out.println("  iscsi-readcapacity16 " + base + "/" + target.name() + "/1");
        out.println("  qemu-img info " + base + "/" + target.name() + "/0");
        out.println("  qemu-img convert -O raw some.img " + base + "/" + target.name() + "/0");
        out.println("  iscsiadm -m discovery -t st -p " + portal.connectAddress() + " && iscsiadm -m node -l");
        out.println();
        out.println("Change it while it runs (docs/admin.md), from this directory:");
        out.println("  ./scstj admin ls");
        out.println("  ./scstj admin device add extra --handler vdisk_nullio size=2G");
        out.println("  ./scstj admin lun add " + target.name() + " 2 extra");
        out.println("  ./scstj admin session list");
        dashboard(config.engine().stateDir(), out);
        out.println();
        out.println("Stop with Ctrl-C.");
        out.flush();
    }
}
