package org.scstj.mgmt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.Portal;
import org.scstj.mgmt.config.ScstjConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest {
    @TempDir
    Path dir;

    @Test
    void demoConfig_isValid_andServesTheDemoTarget() throws Exception {
        ScstjConfig c = Demo.config(new Command.Demo(Command.Demo.DEFAULT_LISTEN, dir, false), ConfigLoader.installedHandlers());
        assertEquals(List.of(new TargetSpec("iqn.2026-11.org.scstj:demo",
                List.of(new LunMapping(0, "demo-disk", false), new LunMapping(1, "demo-null", false)), List.of(), 1,
                java.util.Map.of(1, 1))), c.engine().targets(), "one port, in the default portal group (tag 1)");
        assertEquals(List.of(new Portal("127.0.0.1", 3260)), c.portals());
        assertEquals(dir, c.engine().stateDir());
        var disk = c.engine().devices().getFirst();
        assertEquals("vdisk_fileio", disk.handlerType());
        assertEquals(dir.resolve("demo-disk.img").toString(), disk.config().getString("filename"));
        assertEquals(1L << 30, disk.config().getBytes("size"));
        assertTrue(disk.config().getBoolean("thin-provisioned"));
        var nul = c.engine().devices().get(1);
        assertEquals("vdisk_nullio", nul.handlerType());
        assertEquals(1L << 40, nul.config().getBytes("size"));
    }

    @Test
    void flags_changePortalAndStateDir() throws Exception {
        Path state = dir.resolve("elsewhere");
        ScstjConfig c = Demo.config(new Command.Demo(new Portal("0.0.0.0", 3270), state, false), ConfigLoader.installedHandlers());
        assertEquals(List.of(new Portal("0.0.0.0", 3270)), c.portals());
        assertEquals(state.resolve("demo-disk.img").toString(), c.engine().devices().getFirst().config().getString("filename"));
    }

    @Test
    void urls_pointAtTheDemoTarget_loopbackForAWildcardPortal() throws Exception {
        ScstjConfig c = Demo.config(new Command.Demo(new Portal("0.0.0.0", 3270), dir, false), ConfigLoader.installedHandlers());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.printUrls(c, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("iscsi-ls -s iscsi://127.0.0.1:3270\n"), text);
        assertTrue(text.contains("iscsi-inq iscsi://127.0.0.1:3270/iqn.2026-11.org.scstj:demo/0\n"), text);
        assertTrue(text.contains("qemu-img info iscsi://127.0.0.1:3270/iqn.2026-11.org.scstj:demo/0\n"), text);
        assertFalse(text.contains("/ui/"), "no admin API running, no dashboard to show: " + text);
    }

    @Test
    void urls_includeTheDashboard_whenTheAdminApiRuns() throws Exception {
        ScstjConfig c = Demo.config(new Command.Demo(new Portal("127.0.0.1", 3260), dir, false), ConfigLoader.installedHandlers());
        java.nio.file.Files.createDirectories(dir.resolve("admin"));
        java.nio.file.Files.writeString(dir.resolve("admin").resolve("url"), "http://127.0.0.1:3270\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.printUrls(c, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("http://127.0.0.1:3270/ui/   sign in with the token in "
                + dir.toAbsolutePath().normalize().resolve("admin").resolve("admin.token")), text);
    }
}
