package org.scstj.transports.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.ScsiResponse;

/**
 * Reservations through the loopback driver and a real {@link ScsiEngine}: two initiators on one
 * LU (SPC-2 RESERVE, persistent reservations and their unit attentions), and APTPL across an
 * engine restart on the same state directory (SPC-5 5.14.4).
 */
class LoopbackReservationsTest {
    private static final String TARGET = "iqn.2026-11.org.scstj:resv-test";
    private static final String ONE = "iqn.2026-11.org.scstj:initiator-1";
    private static final String TWO = "iqn.2026-11.org.scstj:initiator-2";
    private static final long LUN = LoopbackSession.lun(0);

    @TempDir
    Path stateDir;
    private ScsiEngine engine;
    private LoopbackTargetDriver driver;

    private void start() throws Exception {
        List<DeviceSpec> specs = List.of(
                new DeviceSpec("ram0", RamDeviceFactory.TYPE, ConfigFactory.parseString("size = 1M")));
        TargetSpec target = new TargetSpec(TARGET, List.of(new LunMapping(0, "ram0", false)), List.of(), 1);
        engine = ScsiEngine.start(new EngineSpec(stateDir, specs, List.of(target)), ConfigFactory.load(),
                List.of(new RamDeviceFactory()));
        driver = new LoopbackTargetDriver(new LoopbackSettings(1, 1), LoopbackTargetDriver.POOLED_DIRECT);
        await(driver.start(engine.core()));
    }

    private void stop() throws Exception {
        if (driver != null) {
            await(driver.stop());
            await(engine.shutdown());
            driver = null;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        stop();
    }

    private LoopbackSession login(String initiator) throws Exception {
        LoopbackSession s = await(driver.login(initiator, TARGET));
        try (LoopbackResult r = await(s.execute(LUN, Cdbs.testUnitReady(), null, 0))) {
            assertEquals(0x06, r.senseKey(), "power on");
        }
        return s;
    }

    static byte[] prout(int serviceAction, int type) {
        return new byte[] {0x5F, (byte) serviceAction, (byte) type, 0, 0, 0, 0, 0, 24, 0};
    }

    static ByteBuffer list(long key, long saKey, boolean aptpl) {
        ByteBuffer b = ByteBuffer.allocate(24).putLong(key).putLong(saKey);
        b.put(20, (byte) (aptpl ? 1 : 0));
        return b.position(0);
    }

    static byte[] readKeys() {
        return new byte[] {0x5E, 0x00, 0, 0, 0, 0, 0, 0x01, 0x00, 0};
    }

    private static int status(LoopbackSession s, byte[] cdb, ByteBuffer out) throws Exception {
        try (LoopbackResult r = await(s.execute(LUN, cdb, out, 0))) {
            return r.status();
        }
    }

    @Test
    void spc2Reserve_givesTheOtherInitiatorReservationConflict_untilReleased() throws Exception {
        start();
        LoopbackSession a = login(ONE);
        LoopbackSession b = login(TWO);
        assertEquals(ScsiResponse.GOOD, status(a, new byte[] {0x16, 0, 0, 0, 0, 0}, null));
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, status(b, Cdbs.read10(0, 1), null));
        assertEquals(ScsiResponse.GOOD, status(b, Cdbs.inquiry(36), null));
        assertEquals(ScsiResponse.GOOD, status(a, Cdbs.read10(0, 1), null));
        assertEquals(ScsiResponse.GOOD, status(a, new byte[] {0x17, 0, 0, 0, 0, 0}, null));
        assertEquals(ScsiResponse.GOOD, status(b, Cdbs.read10(0, 1), null));
    }

    @Test
    void preempt_endsTheOtherRegistration_withRegistrationsPreemptedForIt() throws Exception {
        start();
        LoopbackSession a = login(ONE);
        LoopbackSession b = login(TWO);
        assertEquals(ScsiResponse.GOOD, status(a, prout(0x06, 0), list(0, 0xA, false)));
        assertEquals(ScsiResponse.GOOD, status(b, prout(0x06, 0), list(0, 0xB, false)));
        assertEquals(ScsiResponse.GOOD, status(a, prout(0x01, 0x03), list(0xA, 0, false)));
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, status(b, Cdbs.read10(0, 1), null));
        assertEquals(ScsiResponse.GOOD, status(b, prout(0x05, 0x01), list(0xB, 0xA, false)));
        try (LoopbackResult r = await(a.execute(LUN, Cdbs.testUnitReady(), null, 0))) {
            assertEquals(0x06, r.senseKey(), r::toString);
            assertEquals(0x2A, r.asc());
            assertEquals(0x05, r.ascq(), "REGISTRATIONS PREEMPTED");
        }
        assertEquals(ScsiResponse.GOOD, status(a, Cdbs.read10(0, 1), null), "WE: others may read");
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, status(a, Cdbs.write10(0, 1), ByteBuffer.allocate(512)));
    }

    @Test
    void aptpl_keepsTheRegistrationsAcrossAnEngineRestart() throws Exception {
        start();
        LoopbackSession a = login(ONE);
        assertEquals(ScsiResponse.GOOD, status(a, prout(0x06, 0), list(0, 0x1234, true)));
        assertEquals(ScsiResponse.GOOD, status(a, prout(0x01, 0x01), list(0x1234, 0, false)));
        assertTrue(Files.exists(stateDir.resolve("reservations").resolve("ram0.state")));
        stop();

        start();
        LoopbackSession again = login(ONE);
        try (LoopbackResult r = await(again.execute(LUN, readKeys(), null, 256))) {
            assertEquals(ScsiResponse.GOOD, r.status(), r::toString);
            ByteBuffer d = ByteBuffer.wrap(r.dataInBytes());
            assertEquals(8, d.getInt(4), "one key");
            assertEquals(0x1234, d.getLong(8));
        }
        LoopbackSession other = login(TWO);
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, status(other, Cdbs.write10(0, 1), ByteBuffer.allocate(512)),
                "the WRITE EXCLUSIVE reservation came back too");
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
