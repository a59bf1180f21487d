package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The change machinery against a recording engine: validation, plans, rollback, persistence, concurrency. */
class ChangeManagerTest {
    static final String T = "iqn.2026-12.org.scstj:t1";

    @TempDir
    Path dir;
    Path file;
    FakeLive live;
    ChangeManager changes;
    List<DeviceHandlerFactory> handlers = ConfigLoader.installedHandlers();

    String base() {
        return """
                scstj {
                  state-dir = "%s"
                  handlers {
                    vdisk_nullio { n0 { size = 1G }, n1 { size = 2G } }
                  }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:13299"]
                    targets {
                      "%s" {
                        luns { 0 = n0 }
                        groups {
                          b { initiators = ["iqn.b:*"], luns { 0 = n1 } }
                          a { initiators = ["iqn.a:*"], luns { 0 = n0 } }
                        }
                      }
                    }
                  }
                }
                """.formatted(dir.resolve("state"), T);
    }

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("scstj.conf");
        Files.writeString(file, base());
        start(file);
    }

    void start(Path f) throws Exception {
        ScstjConfig running = new ConfigLoader(handlers).load(f);
        live = new FakeLive();
        live.targets = running.engine().targets();
        changes = new ChangeManager(new ConfigLoader(handlers), handlers, live, new ConfigStore(f, 3), f.toString(),
                ConfigLoader.document(f), running);
    }

    ChangeManager.Result change(List<String> objects, ChangeManager.Edit edit) throws ApiException {
        return changes.change(objects, edit, ChangeManager.Options.api(false, Map.of(), false));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void addDeviceAndLunAppliesInOrderAndWritesAFileThatRestartsTheSame() throws Exception {
        change(List.of(Paths.device("n2")), Edits.putDevice("n2", "vdisk_nullio", map("size", "3G")));
        change(List.of(Paths.target(T), Paths.device("n2")), Edits.putLun(T, null, 7, map("device", "n2")));
        assertEquals(List.of("addDevice n2"), live.calls("addDevice"));
        assertTrue(live.targets.getFirst().defaultLuns().contains(new LunMapping(7, "n2", false)), live.targets.toString());
        assertTrue(Files.exists(file.resolveSibling("scstj.conf.1")), "the previous version is kept");
        // a restart reads what runs
        ScstjConfig restarted = new ConfigLoader(handlers).load(file);
        assertEquals(changes.state().config().engine(), restarted.engine());
        assertEquals(3, changes.state().revision());
    }

    @Test
    void anInvalidChangeIs422NamingTheKeyAndChangesNothing() throws Exception {
        String before = Files.readString(file);
        ApiException e = assertThrows(ApiException.class, () -> change(List.of(Paths.target(T)),
                Edits.putLun(T, null, 3, map("device", "missing"))));
        assertEquals(422, e.status());
        assertTrue(e.problems().stream().anyMatch(p -> p.field().contains("luns") && p.problem().contains("missing")),
                e.problems().toString());
        assertEquals(before, Files.readString(file));
        assertEquals(List.of(), live.calls);
        assertEquals(1, changes.state().revision());
    }

    @Test
    void aFailedStepIsUndoneAndTheFileStays() throws Exception {
        String before = Files.readString(file);
        Config next = ConfigLoader.document(ConfigFactory.parseString(base().replace("n1 { size = 2G }",
                "n1 { size = 2G }, n9 { size = 1G }").replace("luns { 0 = n0 }", "luns { 0 = n0, 9 = n9 }")));
        live.targetProblems = List.of("refused by the engine");
        ApiException e = assertThrows(ApiException.class, () -> changes.replace(next,
                new ChangeManager.Options(false, false, Map.of(), false, true)));
        assertEquals(409, e.status());
        assertEquals(List.of("addDevice n9", "reconfigureTargets [" + T + "[LunMapping[lun=0, device=n0, readOnly=false],"
                        + " LunMapping[lun=9, device=n9, readOnly=false]]]", "removeDevice n9"),
                live.calls.stream().filter(c -> !c.startsWith("reconfigureTargets") || c.contains("n9")).toList());
        assertEquals(before, Files.readString(file));
        assertEquals(1, changes.state().revision());
    }

    @Test
    void aStaleGenerationIs409() throws Exception {
        String device = Paths.device("n0");
        change(List.of(device), Edits.patchDevice("n0", map("size", "1G", "read-only", true)));
        long now = changes.generation(device);
        assertEquals(2, now);
        ApiException e = assertThrows(ApiException.class, () -> changes.change(List.of(device),
                Edits.patchDevice("n0", map("read-only", false)), ChangeManager.Options.api(false, Map.of(device, 1L), false)));
        assertEquals(409, e.status());
        changes.change(List.of(device), Edits.patchDevice("n0", map("read-only", false)),
                ChangeManager.Options.api(false, Map.of(device, now), false));
        assertEquals(List.of("setDeviceAttributes n0 {read-only=true}", "setDeviceAttributes n0 {read-only=false}"),
                live.calls("setDeviceAttributes"));
    }

    @Test
    void aMappedDeviceIsRemovedOnlyWithForceAndThenUnmappedBeforeItCloses() throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> change(List.of(Paths.device("n1")),
                Edits.removeDevice("n1", false)));
        assertEquals(409, e.status());
        assertEquals(List.of(), live.calls);
        change(List.of(Paths.device("n1"), Paths.target(T)), Edits.removeDevice("n1", true));
        int unmapped = indexOf("reconfigureTargets");
        int removed = indexOf("removeDevice n1");
        assertTrue(unmapped >= 0 && removed > unmapped, live.calls.toString());
        GroupSpec b = live.targets.getFirst().groups().getFirst();
        assertEquals("b", b.name());
        assertEquals(List.of(), b.luns());
    }

    private int indexOf(String prefix) {
        for (int i = 0; i < live.calls.size(); i++) {
            if (live.calls.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void takingALunFromAnOpenSessionNeedsLeaveInAnApply() throws Exception {
        live.sessions = List.of(new SessionInfo("1-x", "iqn.other:host", "iqn.other:host,i,0x1", "000000000001", 1, T, 1,
                "LOGGED_IN", Instant.now(), Map.of(), List.of(), 0, 0, 0, Map.of()));
        Config next = ConfigLoader.document(ConfigFactory.parseString(base().replace("luns { 0 = n0 }", "luns { 1 = n0 }")));
        ApiException e = assertThrows(ApiException.class, () -> changes.replace(next,
                new ChangeManager.Options(false, false, Map.of(), false, true)));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("luns/0"), e.getMessage());
        ChangeManager.Result r = changes.replace(next, new ChangeManager.Options(true, false, Map.of(), false, true));
        assertTrue(r.applied());
        assertTrue(r.steps().stream().anyMatch(s -> s.disruptive() && s.object().endsWith("/luns/0")), r.steps().toString());
    }

    @Test
    void aDryRunAndAPlanChangeNothing() throws Exception {
        Config next = ConfigLoader.document(ConfigFactory.parseString(base().replace("n1 { size = 2G }", "n1 { size = 4G }")));
        ChangeManager.Result plan = changes.plan(next);
        assertEquals(1, plan.steps().size());
        assertEquals("resize to 4294967296 bytes", plan.steps().getFirst().detail());
        changes.replace(next, new ChangeManager.Options(false, true, Map.of(), false, true));
        assertEquals(List.of(), live.calls);
        changes.replace(next, new ChangeManager.Options(false, false, Map.of(), false, true));
        assertEquals(List.of("resizeDevice n1 4294967296"), live.calls("resizeDevice"));
    }

    @Test
    void settingsThatNeedARestartAreRefusedWhole() throws Exception {
        Config next = ConfigLoader.document(ConfigFactory.parseString(base().replace("handlers {",
                "engine.nexus-queue-depth = 64\n  handlers {").replace("luns { 0 = n0 }", "luns { 0 = n0, 1 = n1 }")));
        ApiException e = assertThrows(ApiException.class, () -> changes.replace(next,
                new ChangeManager.Options(true, false, Map.of(), false, true)));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("needs a restart"), e.getMessage());
        assertEquals(List.of(), live.calls);
    }

    @Test
    void joiningOrChangingACluster_needsARestart() throws Exception {
        Config next = ConfigLoader.document(ConfigFactory.parseString(base().replace("handlers {",
                "cluster { self = n1, nodes { n1 { address = \"127.0.0.1:25520\" } } }\n  handlers {")));
        ApiException e = assertThrows(ApiException.class, () -> changes.replace(next,
                new ChangeManager.Options(true, false, Map.of(), false, true)));
        assertEquals(409, e.status());
        assertTrue(e.getMessage().contains("needs a restart"), e.getMessage());
        assertEquals(List.of(), live.calls);
    }

    @Test
    void concurrentChangesToDifferentObjectsAllLand() throws Exception {
        int threads = 4;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    String name = "c" + id + "-" + i;
                    change(List.of(Paths.device(name)), Edits.putDevice(name, "vdisk_nullio", map("size", "1G")));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(2 + threads * each, changes.state().config().engine().devices().size());
        assertEquals(2 + threads * each, new ConfigLoader(handlers).load(file).engine().devices().size());
        assertEquals(1 + threads * each, changes.state().revision());
    }

    @Test
    void addedGroupsKeepTheirOrderThroughAWriteAndARead() throws Exception {
        change(List.of(Paths.target(T)), Edits.putGroup(T, "c", map("initiators", List.of("iqn.c:*"),
                "luns", map("0", "n1"))));
        List<String> order = new ConfigLoader(handlers).load(file).engine().targets().getFirst().groups().stream()
                .map(GroupSpec::name).toList();
        assertEquals(List.of("b", "a", "c"), order);
        // and after a second write, from the re-read file
        start(file);
        change(List.of(Paths.target(T)), Edits.putGroup(T, "d", map("initiators", List.of("iqn.d:*"))));
        assertEquals(List.of("b", "a", "c", "d"), new ConfigLoader(handlers).load(file).engine().targets().getFirst()
                .groups().stream().map(GroupSpec::name).toList());
    }

    @Test
    void disablingATargetClosesItsSessionsAndKeepsItInTheFile() throws Exception {
        change(List.of(Paths.target(T)), Edits.targetKey(T, "enabled", false));
        assertEquals(List.of("closeSessions " + T), live.calls("closeSessions"));
        assertEquals(List.<TargetSpec>of(), live.targets);
        assertTrue(Files.readString(file).contains("enabled = false"));
        change(List.of(Paths.target(T)), Edits.targetKey(T, "enabled", null));
        assertEquals(1, live.targets.size());
        assertFalse(Files.readString(file).contains("enabled"));
    }

    @Test
    void aLiveAttributeTakenOutGoesBackToItsDefault() throws Exception {
        change(List.of(Paths.device("n0")), Edits.patchDevice("n0", map("read-only", true)));
        change(List.of(Paths.device("n0")), Edits.patchDevice("n0", map("read-only", null)));
        assertEquals(List.of("setDeviceAttributes n0 {read-only=true}", "setDeviceAttributes n0 {read-only=false}"),
                live.calls("setDeviceAttributes"));
        assertFalse(Files.readString(file).contains("read-only"));
    }

    @Test
    void aChangeFailingHalfWay_theSecondOfThreeDevices_isRolledBackWhole() throws Exception {
        String before = Files.readString(file);
        Config next = ConfigLoader.document(ConfigFactory.parseString(base()
                .replace("n1 { size = 2G }", "n1 { size = 2G }, x1 { size = 1G }, x2 { size = 1G }, x3 { size = 1G }")
                .replace("luns { 0 = n0 }", "luns { 0 = n0, 1 = x1, 2 = x2, 3 = x3 }")));
        live.failOn = "addDevice x2";
        ApiException e = assertThrows(ApiException.class, () -> changes.replace(next,
                new ChangeManager.Options(false, false, Map.of(), false, true)));
        assertTrue(e.getMessage().contains("x2"), e.getMessage());
        assertEquals(List.of("addDevice x1", "addDevice x2", "removeDevice x1"),
                live.calls.stream().filter(c -> c.contains("Device")).toList());
        assertEquals(List.of(), live.calls("reconfigureTargets"), "the mappings were never touched");
        assertEquals(before, Files.readString(file));
        assertEquals(1, changes.state().revision());
    }

    @Test
    void anEmptyConfigurationIsNeverPlannedOrApplied() throws Exception {
        Config empty = ConfigLoader.document(ConfigFactory.parseString("scstj { state-dir = \"" + dir + "\" }"));
        assertEquals(422, assertThrows(ApiException.class, () -> changes.plan(empty)).status());
        assertEquals(422, assertThrows(ApiException.class, () -> changes.replace(empty,
                new ChangeManager.Options(true, false, Map.of(), true, true))).status());
        assertEquals(List.of(), live.calls);
    }
}
