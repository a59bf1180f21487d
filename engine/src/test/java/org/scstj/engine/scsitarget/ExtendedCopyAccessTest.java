package org.scstj.engine.scsitarget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.SessionHandle;
import org.scstj.engine.spi.TaskAttribute;
import org.scstj.engine.spi.TransportTask;
import org.scstj.engine.xcopy.CopyLists;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * EXTENDED COPY through the real engine: the LUs a copy may name are exactly those the target's
 * access control maps to the nexus (TargetActor builds each nexus's CopyScope), so an LU of
 * another target, or one outside the initiator's group, is COPY TARGET DEVICE NOT REACHABLE and
 * never read or written (bad input 24, LIO CVE-2020-28374).
 */
class ExtendedCopyAccessTest {
    private static final String TARGET = "iqn.2026-11.org.scstj:copy";
    private static final String OTHER = "iqn.2026-11.org.scstj:other";
    private static final String INITIATOR = "iqn.2026-11.org.test:host";
    private static final String BACKUP = "iqn.2026-11.org.test:backup-1";

    private final Map<String, RamBlockDevice> devices = new HashMap<>();
    private ScsiEngine engine;
    private long tags;

    /** RAM devices whose NAA designator is {@code naa} from their configuration. */
    private final DeviceHandlerFactory ram = new DeviceHandlerFactory() {
        @Override
        public String type() {
            return "ram";
        }

        @Override
        public List<String> validate(String deviceName, Config deviceConfig) {
            return List.of();
        }

        @Override
        public BlockDevice open(String deviceName, Config deviceConfig, Context context) {
            RamBlockDevice d = new RamBlockDevice(512, 2048).capabilities(new BlockDevice.Capabilities(true, false,
                    false, false, 1, deviceName, deviceConfig.getLong("naa")));
            devices.put(deviceName, d);
            return d;
        }
    };

    @BeforeEach
    void start(@TempDir Path stateDir) throws Exception {
        List<DeviceSpec> specs = List.of(device("d0", 0x10), device("d1", 0x11), device("secret", 0x12));
        GroupSpec backup = new GroupSpec("backup", List.of("iqn.2026-11.org.test:backup-*"),
                List.of(new LunMapping(0, "d0", false), new LunMapping(1, "d1", true)));
        TargetSpec target = new TargetSpec(TARGET,
                List.of(new LunMapping(0, "d0", false), new LunMapping(1, "d1", false)), List.of(backup), 1);
        TargetSpec other = new TargetSpec(OTHER, List.of(new LunMapping(0, "secret", false)), List.of(), 2);
        engine = ScsiEngine.start(new EngineSpec(stateDir, specs, List.of(target, other)), ConfigFactory.load(),
                List.of(ram));
    }

    private static DeviceSpec device(String name, long naa) {
        return new DeviceSpec(name, "ram", ConfigFactory.parseString("naa = " + naa));
    }

    @AfterEach
    void stop() throws Exception {
        engine.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private SessionHandle login(String initiator, String target) throws Exception {
        return login(initiator, target, 2);
    }

    private SessionHandle login(String initiator, String target, int luns) throws Exception {
        Nexus nexus = new Nexus(initiator, initiator + ",i,0x1", target, target + ",t,0x1", 1, 1);
        SessionHandle session = engine.core().openSession(nexus).toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int lun = 0; lun < luns; lun++) {
            // the power-on unit attention of each LU (SAM-5 5.14), reported once per nexus
            for (int tries = 0; tries < 3 && !"GOOD".equals(sense(send(session, lun, new byte[6], null, 0))); tries++) {
                assertTrue(tries < 2, "unit attentions cleared");
            }
        }
        return session;
    }

    private ScsiResponse send(SessionHandle session, int lun, byte[] cdb, byte[] dataOut, int edtl) throws Exception {
        Task t = new Task(++tags, (long) lun << 48, cdb, dataOut, edtl);
        session.submit(t);
        return t.response.get(10, TimeUnit.SECONDS);
    }

    private ScsiResponse copy(SessionHandle session, int lun, BlockDevice from, BlockDevice to, int blocks)
            throws Exception {
        byte[] list = CopyLists.list(1, 0, List.of(CopyLists.identification(from),
                CopyLists.identification(to)), List.of(CopyLists.blockToBlock(0, 1, blocks, 0, 100)));
        return send(session, lun, CopyLists.cdb(list.length), list, list.length);
    }

    private static String sense(ScsiResponse r) {
        if (r.sense() == null) {
            return r.status() == ScsiResponse.GOOD ? "GOOD" : "status " + r.status();
        }
        byte[] s = r.sense();
        return String.format("%02X/%02X/%02X", s[2] & 0x0F, s[12] & 0xFF, s[13] & 0xFF);
    }

    private static void fill(RamBlockDevice d, int seed) {
        for (int i = 0; i < 16 * 512; i++) {
            d.store()[i] = (byte) (seed + i);
        }
    }

    @Test
    void copiesBetweenTheNexussLus() throws Exception {
        RamBlockDevice d0 = devices.get("d0");
        RamBlockDevice d1 = devices.get("d1");
        fill(d0, 3);
        SessionHandle s = login(INITIATOR, TARGET);
        assertEquals("GOOD", sense(copy(s, 1, d0, d1, 16)), "addressed to LUN 1, copying LUN 0 to LUN 1");
        assertArrayEquals(Arrays.copyOfRange(d0.store(), 0, 16 * 512),
                Arrays.copyOfRange(d1.store(), 100 * 512, 116 * 512));
    }

    @Test
    void anLuOfAnotherTarget_isNotReachable_andNeverTouched() throws Exception {
        RamBlockDevice secret = devices.get("secret");
        fill(secret, 7);
        byte[] before = secret.store().clone();
        SessionHandle s = login(INITIATOR, TARGET);
        assertEquals("0A/0D/02", sense(copy(s, 0, secret, devices.get("d0"), 16)), "reading it");
        assertEquals("0A/0D/02", sense(copy(s, 0, devices.get("d0"), secret, 16)), "writing it");
        assertEquals(0, secret.reads + secret.writes);
        assertArrayEquals(before, secret.store());
        SessionHandle owner = login(INITIATOR, OTHER, 1);
        assertEquals("0A/0D/02", sense(copy(owner, 0, secret, devices.get("d1"), 16)),
                "from the other target, d1 is the unreachable one");
        assertEquals(0, devices.get("d1").writes);
    }

    @Test
    void theInitiatorsGroupMapping_decides_readOnlyIncluded() throws Exception {
        SessionHandle backup = login(BACKUP, TARGET);
        assertEquals("07/27/00", sense(copy(backup, 0, devices.get("d0"), devices.get("d1"), 16)),
                "d1 is read-only for the backup group");
        assertEquals("GOOD", sense(copy(backup, 0, devices.get("d1"), devices.get("d0"), 16)));
    }

    @Test
    void copyStatus_isHeldPerLuAndPerNexus() throws Exception {
        SessionHandle s = login(INITIATOR, TARGET);
        assertEquals("GOOD", sense(copy(s, 0, devices.get("d0"), devices.get("d1"), 4)));
        assertEquals("GOOD", sense(send(s, 0, CopyLists.receiveCopyResults(0x00, 1, 64), null, 64)));
        assertEquals("05/24/00", sense(send(s, 1, CopyLists.receiveCopyResults(0x00, 1, 64), null, 64)),
                "LUN 1's copy manager has no such copy");
        SessionHandle other = login(INITIATOR.replace("host", "host2"), TARGET);
        assertEquals("05/24/00", sense(send(other, 0, CopyLists.receiveCopyResults(0x00, 1, 64), null, 64)),
                "another nexus has no such copy");
    }

    /** A transport task with optional Data-Out, completing a future. */
    static final class Task implements TransportTask {
        final CompletableFuture<ScsiResponse> response = new CompletableFuture<>();
        private final long tag;
        private final long lun;
        private final byte[] cdb;
        private final byte[] dataOut;
        private final int edtl;

        Task(long tag, long lun, byte[] cdb, byte[] dataOut, int edtl) {
            this.tag = tag;
            this.lun = lun;
            this.cdb = cdb;
            this.dataOut = dataOut;
            this.edtl = edtl;
        }

        @Override public long lun() { return lun; }
        @Override public byte[] cdb() { return cdb; }
        @Override public long tag() { return tag; }
        @Override public TaskAttribute attribute() { return TaskAttribute.SIMPLE; }
        @Override public int expectedDataTransferLength() { return edtl; }
        @Override public boolean readExpected() { return dataOut == null; }
        @Override public boolean writeExpected() { return dataOut != null; }
        @Override public DataBuffer allocate(int length) { return DataBuffer.wrap(new byte[length], length); }

        @Override
        public void receiveData(int length, DataReceiver receiver) {
            byte[] copy = Arrays.copyOf(dataOut, length);
            receiver.received(new DataBuffer() {
                @Override public ByteBuffer nio() { return ByteBuffer.wrap(copy); }
                @Override public int length() { return copy.length; }
                @Override public void release() { }
            });
        }

        @Override public void complete(ScsiResponse r) { response.complete(r); }
        @Override public void aborted() { response.completeExceptionally(new IllegalStateException("aborted")); }
    }
}
