package org.scstj.engine.scsitarget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.ScsiEngine.DeviceChangeException;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.SessionHandle;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Management changes of a running engine (issue 14) through the real engine: devices added,
 * resized, changed and removed, targets added and removed, each with the unit attention SPC-5
 * 5.14 gives it and without disturbing the other LUs and sessions.
 */
class OnlineChangesTest {
    private static final String TARGET = "iqn.2026-11.org.scstj:online";
    private static final String OTHER = "iqn.2026-11.org.scstj:other";
    private static final String A = "iqn.2026-11.org.test:a";
    private static final String B = "iqn.2026-11.org.test:b";

    /** The devices the test handler opened, by name (the last one opened under a name). */
    private final Map<String, TestDevice> opened = new ConcurrentHashMap<>();

    private final DeviceHandlerFactory handler = new DeviceHandlerFactory() {
        @Override public String type() { return "test"; }
        @Override public List<String> validate(String deviceName, Config deviceConfig) { return List.of(); }

        @Override
        public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws java.io.IOException {
            if (deviceConfig.hasPath("fail")) {
                throw new java.io.IOException("cannot open " + deviceName);
            }
            TestDevice d = new TestDevice(deviceName, deviceConfig.getInt("blocks"));
            opened.put(deviceName, d);
            return d;
        }

        @Override public Set<String> liveAttributes() { return Set.of("read-only", "write-back"); }

        @Override
        public List<Attribute> attributes() {
            return List.of(new Attribute("blocks", "int", "", null, false, "blocks"),
                    new Attribute("read-only", "bool", "", "false", true, "write-protect"),
                    new Attribute("write-back", "bool", "", "true", true, "write cache"));
        }
    };

    private ScsiEngine engine;
    private long tags;

    private static DeviceSpec device(String name, int blocks) {
        return new DeviceSpec(name, "test", ConfigFactory.parseString("blocks = " + blocks));
    }

    /** A sees {@code defaults}; B's group sees d0 at LUN 0 too, so two nexuses share d0. */
    private static TargetSpec target(String name, List<LunMapping> defaults) {
        return new TargetSpec(name, defaults, List.of(new GroupSpec("b", List.of(B),
                List.of(new LunMapping(0, "d0", false)))), 1);
    }

    private static LunMapping lun(int lun, String device) {
        return new LunMapping(lun, device, false);
    }

    @BeforeEach
    void start(@TempDir Path stateDir) throws Exception {
        engine = ScsiEngine.start(new EngineSpec(stateDir, List.of(device("d0", 64), device("d1", 64)),
                List.of(target(TARGET, List.of(lun(0, "d0"))))), ConfigFactory.load(), List.of(handler));
    }

    @AfterEach
    void stop() throws Exception {
        opened.values().forEach(TestDevice::release);
        engine.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    // --- helpers ------------------------------------------------------------------------------

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The DeviceChangeException a stage failed with. */
    private static DeviceChangeException refused(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
        return assertInstanceOf(DeviceChangeException.class, e.getCause());
    }

    private SessionHandle login(String target, String initiator) throws Exception {
        Nexus nexus = new Nexus(initiator, initiator + ",i,0x1", target, target + ",t,0x1", 1, 1);
        return await(engine.core().openSession(nexus));
    }

    private ExtendedCopyAccessTest.Task submit(SessionHandle s, int lun, byte[] cdb, byte[] dataOut, int edtl) {
        ExtendedCopyAccessTest.Task t = new ExtendedCopyAccessTest.Task(++tags, (long) lun << 48, cdb, dataOut, edtl);
        s.submit(t);
        return t;
    }

    private ScsiResponse send(SessionHandle s, int lun, byte[] cdb, byte[] dataOut, int edtl) throws Exception {
        return submit(s, lun, cdb, dataOut, edtl).response.get(10, TimeUnit.SECONDS);
    }

    private static String sense(ScsiResponse r) {
        byte[] k = r.sense();
        return String.format("%02X/%02X/%02X", k[2] & 0x0F, k[12] & 0xFF, k[13] & 0xFF);
    }

    /** The unit attentions a LUN reports before TEST UNIT READY is GOOD, as "KEY/ASC/ASCQ". */
    private List<String> untilGood(SessionHandle s, int lun) throws Exception {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ScsiResponse r = send(s, lun, new byte[6], null, 0);
            if (r.status() == ScsiResponse.GOOD) {
                return seen;
            }
            seen.add(sense(r));
        }
        throw new AssertionError("no GOOD after " + seen);
    }

    /** The unit attentions since power on, as {@link #untilGood}, without the power-on one. */
    private List<String> attentionsAfterPowerOn(SessionHandle s, int lun) throws Exception {
        List<String> seen = untilGood(s, lun);
        seen.remove("06/29/00");
        return seen;
    }

    private static byte[] read10(long lba, int blocks) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x28;
        ByteBuffer.wrap(cdb).putInt(2, (int) lba).putShort(7, (short) blocks);
        return cdb;
    }

    private static byte[] write10(long lba, int blocks) {
        byte[] cdb = read10(lba, blocks);
        cdb[0] = 0x2A;
        return cdb;
    }

    /** READ CAPACITY(16) (SBC-4 5.20): the RETURNED LOGICAL BLOCK ADDRESS plus one. */
    private long capacity16(SessionHandle s, int lun) throws Exception {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9E;
        cdb[1] = 0x10;
        cdb[13] = 32;
        ScsiResponse r = send(s, lun, cdb, null, 32);
        assertEquals(ScsiResponse.GOOD, r.status(), () -> "READ CAPACITY(16): " + sense(r));
        return r.dataIn().nio().getLong(0) + 1;
    }

    // --- devices ------------------------------------------------------------------------------

    @Test
    void anAddedDevice_mappedByReconfigure_isSeenWithReportedLunsDataHasChanged() throws Exception {
        SessionHandle a = login(TARGET, A);
        untilGood(a, 0);
        await(engine.addDevice(device("d9", 100)));
        assertTrue(engine.devices().stream().anyMatch(d -> d.name().equals("d9") && d.blockCount() == 100));

        assertEquals(List.of(), await(engine.reconfigure(List.of(target(TARGET, List.of(lun(0, "d0"), lun(1, "d9")))))));

        assertTrue(attentionsAfterPowerOn(a, 1).contains("06/3F/0E"), "the new LU reports the inventory change");
        assertEquals(100, capacity16(a, 1));
        assertEquals(List.of("06/3F/0E"), untilGood(a, 0), "and so does the LU A saw before");
    }

    @Test
    void addDevice_refusesATakenName_andLeavesNothingBehindWhenTheOpenFails() throws Exception {
        assertTrue(refused(engine.addDevice(device("d0", 8))).getMessage().contains("exists"));
        DeviceSpec broken = new DeviceSpec("d8", "test", ConfigFactory.parseString("blocks = 8, fail = true"));
        assertTrue(refused(engine.addDevice(broken)).getMessage().contains("cannot open d8"));
        assertFalse(engine.devices().stream().anyMatch(d -> d.name().equals("d8")));
        assertFalse(await(engine.reconfigure(List.of(target(TARGET, List.of(lun(0, "d0"), lun(1, "d8")))))).isEmpty(),
                "a device whose open failed cannot be mapped");
        await(engine.addDevice(device("d8", 8)));
    }

    @Test
    void removeDevice_whileMapped_isRefusedNamingTheMapping() throws Exception {
        DeviceChangeException e = refused(engine.removeDevice("d0"));
        assertTrue(e.getMessage().contains(TARGET + " LUN 0"), e.getMessage());
        assertTrue(e.getMessage().contains("group b LUN 0"), e.getMessage());
        assertTrue(engine.devices().stream().anyMatch(d -> d.name().equals("d0")));
    }

    @Test
    void removeDevice_abortsTheTaskInFlight_flushesAndCloses_andTheNameCanBeAddedAgain() throws Exception {
        assertEquals(List.of(), await(engine.reconfigure(List.of(target(TARGET, List.of(lun(0, "d0"), lun(1, "d1")))))));
        SessionHandle a = login(TARGET, A);
        untilGood(a, 1);
        TestDevice d1 = opened.get("d1");
        d1.hold();
        ExtendedCopyAccessTest.Task inFlight = submit(a, 1, read10(0, 1), null, 512);
        assertTrue(d1.readStarted.await(10, TimeUnit.SECONDS));
        assertEquals(Map.of(0L, 0, 1L, 1), await(engine.tasksInFlight(nexusOf(a))));

        assertEquals(List.of(), await(engine.reconfigure(List.of(target(TARGET, List.of(lun(0, "d0")))))));
        CompletableFuture<Void> removal = engine.removeDevice("d1").toCompletableFuture();

        ExecutionException aborted = assertThrows(ExecutionException.class, () -> inFlight.response.get(10, TimeUnit.SECONDS));
        assertEquals("aborted", aborted.getCause().getMessage(), "the transport is told at once (SAM-5 7.7)");
        Thread.sleep(200);
        assertFalse(removal.isDone(), "the device is closed only once the aborted read left it");
        assertFalse(d1.closed);
        d1.release();
        removal.get(10, TimeUnit.SECONDS);
        assertTrue(d1.closed);
        assertTrue(d1.flushes > 0, "flushed before it was closed");
        assertFalse(engine.devices().stream().anyMatch(d -> d.name().equals("d1")));

        await(engine.addDevice(device("d1", 32)));
        assertEquals(List.of(), await(engine.reconfigure(List.of(target(TARGET, List.of(lun(0, "d0"), lun(1, "d1")))))));
        assertTrue(attentionsAfterPowerOn(a, 1).contains("06/3F/0E"));
        assertEquals(32, capacity16(a, 1), "the new device, not the old one");
    }

    private Nexus nexusOf(SessionHandle s) {
        return s.nexus();
    }

    @Test
    void growing_isCapacityDataHasChanged_onEveryNexus_thenReadCapacityShowsTheNewCount() throws Exception {
        SessionHandle a = login(TARGET, A);
        SessionHandle b = login(TARGET, B);
        untilGood(a, 0);
        untilGood(b, 0);

        await(engine.resizeDevice("d0", 128 * 512, false));

        assertEquals(List.of("06/2A/09"), untilGood(a, 0));
        assertEquals(List.of("06/2A/09"), untilGood(b, 0));
        assertEquals(128, capacity16(a, 0));
        assertEquals(128, engine.devices().stream().filter(d -> d.name().equals("d0")).findFirst().orElseThrow()
                .blockCount());
        assertEquals(ScsiResponse.GOOD, send(a, 0, read10(127, 1), null, 512).status(), "the new last block");
        assertTrue(refused(engine.resizeDevice("d0", 1000, false)).getMessage().contains("multiple"));
        assertTrue(refused(engine.resizeDevice("nope", 512, false)).getMessage().contains("no device"));
    }

    @Test
    void shrinking_overData_needsForce_andThenReadsPastTheEndAreOutOfRange() throws Exception {
        SessionHandle a = login(TARGET, A);
        untilGood(a, 0);
        byte[] data = new byte[512];
        data[0] = 1;
        assertEquals(ScsiResponse.GOOD, send(a, 0, write10(50, 1), data, 512).status());

        DeviceChangeException e = refused(engine.resizeDevice("d0", 32 * 512, false));
        assertTrue(e.getMessage().contains("force to shrink"), e.getMessage());
        assertEquals(List.of(), untilGood(a, 0), "nothing changed: no unit attention");
        assertEquals(64, capacity16(a, 0));

        await(engine.resizeDevice("d0", 32 * 512, true));
        assertEquals(List.of("06/2A/09"), untilGood(a, 0));
        ScsiResponse past = send(a, 0, read10(40, 1), null, 512);
        assertEquals(ScsiResponse.CHECK_CONDITION, past.status());
        assertEquals("05/21/00", sense(past), "SBC-4 4.5: LOGICAL BLOCK ADDRESS OUT OF RANGE");
        assertEquals(ScsiResponse.GOOD, send(a, 0, read10(31, 1), null, 512).status());
    }

    @Test
    void aResize_waitsForTheCommandsInTheDevice_andNewOnesWaitForIt() throws Exception {
        SessionHandle a = login(TARGET, A);
        untilGood(a, 0);
        TestDevice d0 = opened.get("d0");
        d0.hold();
        ExtendedCopyAccessTest.Task before = submit(a, 0, read10(60, 1), null, 512);
        assertTrue(d0.readStarted.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> resize = engine.resizeDevice("d0", 32 * 512, true).toCompletableFuture();
        ExtendedCopyAccessTest.Task after = submit(a, 0, read10(60, 1), null, 512);
        Thread.sleep(200);
        assertFalse(resize.isDone(), "the read in the device finishes first");
        assertEquals(64, d0.blockCount());
        assertFalse(after.response.isDone(), "a new command waits for the resize");

        d0.release();
        assertEquals(ScsiResponse.GOOD, before.response.get(10, TimeUnit.SECONDS).status(), "it ran on the old size");
        resize.get(10, TimeUnit.SECONDS);
        ScsiResponse r = after.response.get(10, TimeUnit.SECONDS);
        assertEquals("06/2A/09", sense(r), "the first command after the resize reports it");
    }

    // --- attributes ---------------------------------------------------------------------------

    @Test
    void readOnly_isModeParametersChanged_thenWritesAreDataProtect() throws Exception {
        SessionHandle a = login(TARGET, A);
        SessionHandle b = login(TARGET, B);
        untilGood(a, 0);
        untilGood(b, 0);

        await(engine.setDeviceAttributes("d0", ConfigFactory.parseString("read-only = true")));

        ScsiResponse first = send(a, 0, write10(0, 1), new byte[512], 512);
        assertEquals("06/2A/01", sense(first), "SPC-5 5.14: WP of the mode parameter header changed");
        ScsiResponse write = send(a, 0, write10(0, 1), new byte[512], 512);
        assertEquals("07/27/00", sense(write), "SBC-4 4.11 DATA PROTECT, WRITE PROTECTED");
        assertEquals(List.of("06/2A/01"), untilGood(b, 0), "every nexus of the LU");
        assertTrue(engine.devices().stream().anyMatch(d -> d.name().equals("d0") && d.readOnly()));

        await(engine.setDeviceAttributes("d0", ConfigFactory.parseString("read-only = false")));
        assertEquals(List.of("06/2A/01"), untilGood(a, 0));
        assertEquals(ScsiResponse.GOOD, send(a, 0, write10(0, 1), new byte[512], 512).status());
    }

    @Test
    void writeBack_off_isModeParametersChanged_andWceFollows() throws Exception {
        SessionHandle a = login(TARGET, A);
        untilGood(a, 0);
        await(engine.setDeviceAttributes("d0", ConfigFactory.parseString("write-back = false")));
        assertEquals(List.of("06/2A/01"), untilGood(a, 0));
        byte[] modeSense = {0x1A, 0x08, 0x08, 0, (byte) 255, 0}; // MODE SENSE(6), DBD, Caching page
        ScsiResponse r = send(a, 0, modeSense, null, 255);
        assertEquals(ScsiResponse.GOOD, r.status());
        assertEquals(0, r.dataIn().nio().get(4 + 2) & 0x04, "SBC-4 6.5.5: WCE 0");
        assertFalse(engine.devices().stream().filter(d -> d.name().equals("d0")).findFirst().orElseThrow().writeBack());
    }

    @Test
    void anAttributeThatIsNotLive_orUnknown_isRefused_andNothingChanges() throws Exception {
        SessionHandle a = login(TARGET, A);
        untilGood(a, 0);
        DeviceChangeException notLive = refused(engine.setDeviceAttributes("d0",
                ConfigFactory.parseString("blocks = 8, read-only = true")));
        assertTrue(notLive.getMessage().contains("blocks") && notLive.getMessage().contains("added again"),
                notLive.getMessage());
        DeviceChangeException unknown = refused(engine.setDeviceAttributes("d0", ConfigFactory.parseString("colour = red")));
        assertTrue(unknown.getMessage().contains("colour is not an attribute"), unknown.getMessage());
        assertFalse(opened.get("d0").capabilities().readOnly());
        assertEquals(List.of(), untilGood(a, 0));
    }

    // --- targets ------------------------------------------------------------------------------

    @Test
    void anAddedTarget_takesLogins_andARemovedOne_endsItsSessionsAndRefusesLogins() throws Exception {
        SessionHandle a = login(TARGET, A);
        untilGood(a, 0);
        TargetSpec main = target(TARGET, List.of(lun(0, "d0")));
        TargetSpec other = new TargetSpec(OTHER, List.of(lun(0, "d1")), List.of(), 2);
        assertEquals(List.of(), await(engine.reconfigure(List.of(main, other))));
        assertTrue(engine.core().targetsVisibleTo(A).contains(OTHER));
        SessionHandle o = login(OTHER, A);
        untilGood(o, 0);
        TestDevice d1 = opened.get("d1");
        d1.hold();
        ExtendedCopyAccessTest.Task inFlight = submit(o, 0, read10(0, 1), null, 512);
        assertTrue(d1.readStarted.await(10, TimeUnit.SECONDS));

        CompletableFuture<List<String>> removal = engine.reconfigure(List.of(main)).toCompletableFuture();
        assertThrows(ExecutionException.class, () -> inFlight.response.get(10, TimeUnit.SECONDS), "aborted");
        Thread.sleep(100);
        assertFalse(removal.isDone(), "done once the aborted read left the device");
        d1.release();
        assertEquals(List.of(), removal.get(10, TimeUnit.SECONDS));

        assertFalse(engine.core().targetsVisibleTo(A).contains(OTHER));
        ExecutionException login = assertThrows(ExecutionException.class, () -> login(OTHER, A));
        ScsiCore.LoginRefusedException refusal = assertInstanceOf(ScsiCore.LoginRefusedException.class, login.getCause());
        assertEquals(ScsiCore.LoginRefusal.TARGET_NOT_FOUND, refusal.reason());
        ExtendedCopyAccessTest.Task late = submit(o, 0, new byte[6], null, 0);
        assertThrows(ExecutionException.class, () -> late.response.get(10, TimeUnit.SECONDS),
                "the ended session aborts what its transport still sends");
        CountDownLatch closed = new CountDownLatch(1);
        o.close(closed::countDown);
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(), untilGood(a, 0), "the other target's session was not disturbed");
        assertEquals(Map.of(), await(engine.tasksInFlight(o.nexus())));
    }

    /** A RAM device that can hold its reads, resize (refusing to drop data unless forced) and change attributes. */
    static final class TestDevice implements BlockDevice {
        private final String name;
        private volatile byte[] store;
        private volatile Capabilities capabilities;
        private volatile CountDownLatch gate;
        final CountDownLatch readStarted = new CountDownLatch(1);
        volatile boolean closed;
        volatile int flushes;

        TestDevice(String name, int blocks) {
            this.name = name;
            this.store = new byte[blocks * 512];
            this.capabilities = new Capabilities(true, false, false, false, 1, name, name.hashCode());
        }

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            CountDownLatch g = gate;
            if (g != null) {
                g.countDown();
            }
        }

        @Override public String name() { return name; }
        @Override public String handlerType() { return "test"; }
        @Override public int blockSize() { return 512; }
        @Override public long blockCount() { return store.length / 512; }
        @Override public Capabilities capabilities() { return capabilities; }

        @Override
        public void read(long offset, ByteBuffer dst, Completion done) {
            CountDownLatch g = gate;
            if (g == null) {
                dst.put(store, (int) offset, dst.remaining());
                done.completed();
                return;
            }
            readStarted.countDown();
            Thread.ofVirtual().start(() -> {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                dst.put(store, (int) offset, dst.remaining());
                done.completed();
            });
        }

        @Override
        public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
            src.get(store, (int) offset, src.remaining());
            done.completed();
        }

        @Override
        public void flush(Completion done) {
            flushes++;
            done.completed();
        }

        @Override
        public void resize(long newBlockCount, boolean force) throws java.io.IOException {
            byte[] old = store;
            int size = (int) newBlockCount * 512;
            for (int i = size; i < old.length && !force; i++) {
                if (old[i] != 0) {
                    throw new java.io.IOException(name + " holds data past " + size + " bytes; force to shrink");
                }
            }
            store = java.util.Arrays.copyOf(old, size);
        }

        @Override
        public void setAttributes(Config changed) {
            Capabilities c = capabilities;
            capabilities = new Capabilities(
                    changed.hasPath("write-back") ? changed.getBoolean("write-back") : c.writeBackCache(),
                    c.thinProvisioned(), changed.hasPath("read-only") ? changed.getBoolean("read-only") : c.readOnly(),
                    c.removable(), c.rotationRate(), c.serial(), c.naaId());
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
