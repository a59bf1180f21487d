package org.scstj.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.mgmt.LoopbackEngine.await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.spi.CommandObserver;
import org.scstj.engine.spi.TmfRequest;
import org.scstj.mgmt.metrics.Metrics;
import org.scstj.transports.loopback.LoopbackResult;
import org.scstj.transports.loopback.LoopbackSession;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Metrics} over a running engine driven by the loopback driver: the scrape shows exactly
 * the commands sent, and feeding the latency histograms allocates nothing.
 */
class MetricsEngineTest {
    private static final String TARGET = "iqn.2026-12.org.scstj:metrics-unit";
    private static final long LUN0 = LoopbackSession.lun(0);

    @TempDir
    Path dir;
    private LoopbackEngine running;
    private Metrics metrics;

    @AfterEach
    void stop() throws Exception {
        if (metrics != null) {
            metrics.close();
        }
        if (running != null) {
            running.close();
        }
    }

    private void start() throws Exception {
        String hocon = """
                scstj {
                  state-dir = "%s"
                  handlers { vdisk_nullio { null0 { size = 64M } } }
                  target-drivers.iscsi {
                    portals = ["127.0.0.1:3260"]   # required by the model; the loopback driver binds nothing
                    targets { "%s" { luns { 0 = null0 } } }
                  }
                }
                """.formatted(dir.resolve("state"), TARGET);
        running = LoopbackEngine.start("metrics.conf", hocon, TARGET, "iqn.2026-12.org.example:unit");
        metrics = new Metrics(running.engine, null, () -> 7);
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertTrue(m.find(), () -> series + " not in\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    private static byte[] rw10(int opcode, int blocks) {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) opcode;
        cdb[8] = (byte) blocks;
        return cdb;
    }

    @Test
    void scrape_showsExactlyTheCommandsSent() throws Exception {
        start();
        LoopbackSession s = running.session;
        await(s.execute(LUN0, new byte[6], null, 0)).close(); // TEST UNIT READY: the power-on unit attention
        for (int i = 0; i < 3; i++) {
            try (LoopbackResult r = await(s.execute(LUN0, rw10(0x28, 2), null, 1024))) {
                assertEquals(0, r.status());
            }
        }
        try (LoopbackResult r = await(s.execute(LUN0, rw10(0x2A, 1), ByteBuffer.allocate(512), 0))) {
            assertEquals(0, r.status());
        }
        assertEquals(TmfRequest.Response.FUNCTION_COMPLETE,
                await(s.taskManagement(TmfRequest.Function.ABORT_TASK_SET, LUN0, 0)));
        String text = metrics.scrape();
        String port = "device=\"null0\",lun=\"0\",op=\"%s\",target=\"" + TARGET + "\"";
        assertEquals(3, value(text, "scstj_scsi_commands_total{" + port.formatted("read") + "}"));
        assertEquals(1, value(text, "scstj_scsi_commands_total{" + port.formatted("write") + "}"));
        assertEquals(1, value(text, "scstj_scsi_commands_total{" + port.formatted("other") + "}"));
        assertEquals(3 * 1024, value(text, "scstj_scsi_bytes_total{device=\"null0\",direction=\"in\",lun=\"0\",op=\"read\",target=\"" + TARGET + "\"}"));
        assertEquals(512, value(text, "scstj_scsi_bytes_total{device=\"null0\",direction=\"out\",lun=\"0\",op=\"write\",target=\"" + TARGET + "\"}"));
        assertEquals(1, value(text, "scstj_scsi_check_conditions_total{asc=\"0x29\",device=\"null0\",sense_key=\"0x6\"}"));
        assertEquals(1, value(text, "scstj_task_management_total{function=\"abort_task_set\",response=\"function_complete\"}"));
        assertEquals(3, value(text, "scstj_scsi_command_duration_seconds_count{op=\"read\"}"));
        assertEquals(3, value(text, "scstj_backend_io_duration_seconds_count{op=\"read\"}"));
        assertEquals(64.0 * 1024 * 1024, value(text, "scstj_device_capacity_bytes{device=\"null0\"}"));
        assertEquals(0, value(text, "scstj_scsi_commands_in_flight{device=\"null0\"}"));
        assertEquals(7, value(text, "scstj_config_generation"));
        assertFalse(text.contains("scstj_iscsi_"), "no iSCSI driver, no iSCSI metrics");
        assertTrue(text.contains("jvm_memory_used_bytes"));
    }

    @Test
    void stageDurations_countTheCommandsOfDevicesMeasured_andMailboxesAndDispatchersAreThere() throws Exception {
        start();
        LoopbackSession s = running.session;
        await(s.execute(LUN0, new byte[6], null, 0)).close(); // the power-on unit attention, not measured
        assertEquals(0, value(metrics.scrape(), "scstj_stage_duration_seconds_count{stage=\"exec\"}"),
                "measurement is off by default");
        assertEquals(List.of(), running.engine.measureLatency(List.of("null0"), true));
        for (int i = 0; i < 5; i++) {
            try (LoopbackResult r = await(s.execute(LUN0, rw10(0x28, 1), null, 512))) {
                assertEquals(0, r.status());
            }
        }
        String text = metrics.scrape();
        assertEquals(5, value(text, "scstj_stage_duration_seconds_count{stage=\"exec\"}"));
        assertEquals(5, value(text, "scstj_stage_duration_seconds_count{stage=\"total\"}"));
        assertTrue(value(text, "scstj_stage_duration_seconds_sum{stage=\"total\"}") > 0);
        assertEquals(0, value(text, "scstj_actor_mailbox_size{actor_class=\"lun\"}"), "an idle LU has nothing waiting");
        assertTrue(text.contains("scstj_dispatcher_queued_tasks{dispatcher=\"scstj.dispatchers.engine\"}"), text);
    }

    @Test
    void perInitiator_labelsEachInitiatorsCommandsApart() throws Exception {
        start();
        metrics.close();
        metrics = new Metrics(running.engine, null, () -> 7, true); // as the daemon does, before these logins
        String a = "iqn.2026-12.org.example:a";
        String b = "iqn.2026-12.org.example:b";
        LoopbackSession sa = await(running.driver.login(a, TARGET));
        LoopbackSession sb = await(running.driver.login(b, TARGET));
        for (int i = 0; i < 2; i++) {
            await(sa.execute(LUN0, rw10(0x28, 1), null, 512)).close();
        }
        for (int i = 0; i < 5; i++) {
            await(sb.execute(LUN0, rw10(0x28, 1), null, 512)).close();
        }
        String text = metrics.scrape();
        String series = "scstj_scsi_commands_total{device=\"null0\",initiator=\"%s\",lun=\"0\",op=\"read\",target=\""
                + TARGET + "\"}";
        assertEquals(2, value(text, series.formatted(a)));
        assertEquals(5, value(text, series.formatted(b)));
        await(sa.close());
        await(sb.close());
    }

    @Test
    void recordingLatencies_allocatesNothing() throws Exception {
        start();
        CommandObserver observer = running.engine.stats().observer();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        for (int i = 0; i < 200_000; i++) { // warm up: the JIT compiles the recording path
            observer.commandDone(CommandObserver.Op.READ, 1_000 + i);
            observer.backendIo(CommandObserver.Op.WRITE, 2_000 + i);
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            observer.commandDone(CommandObserver.Op.READ, 1_000 + i);
            observer.backendIo(CommandObserver.Op.WRITE, 2_000 + i);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 4096, "200000 records allocated " + allocated + " bytes");
        assertEquals(300_000, value(metrics.scrape(), "scstj_scsi_command_duration_seconds_count{op=\"read\"}"));
    }
}
