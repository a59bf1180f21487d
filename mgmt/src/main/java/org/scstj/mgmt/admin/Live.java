package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.SessionInfo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What the admin plane changes while the daemon runs: the engine's devices and targets and the
 * iSCSI driver's settings and sessions ({@link EngineLive}). An interface so that the change
 * machinery can be tested against a recording fake.
 */
interface Live {
    CompletionStage<Void> addDevice(DeviceSpec device);

    CompletionStage<Void> removeDevice(String name);

    CompletionStage<Void> resizeDevice(String name, long bytes, boolean force);

    CompletionStage<Void> setDeviceAttributes(String name, Config changed);

    /** A cartridge into or out of a medium changer's import/export elements. */
    CompletionStage<Void> importExport(String changer, String barcode, boolean in, boolean force);

    /** Swaps a device's removable medium; null empties the drive. */
    CompletionStage<Void> changeMedium(String name, String medium, boolean force);

    /** Every enabled target as it should now be; completes with why not (nothing changed then). */
    CompletionStage<List<String>> reconfigureTargets(List<TargetSpec> targets);

    /** The driver's whole block; completes with what would need a restart (nothing changed then). */
    CompletionStage<List<String>> reconfigureDriver(Config iscsiBlock);

    /**
     * The engine's new ALUA configuration (SPC-5 5.16): LUs whose device group changed go through
     * an implicit change; completes once each is in its new states.
     */
    default CompletionStage<Void> reconfigureAlua(org.scstj.engine.model.AluaSpec alua) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** These devices' LUs in their configured ALUA states where a SET TARGET PORT GROUPS changed them. */
    default CompletionStage<Void> applyConfiguredAlua(java.util.Collection<String> devices) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** Every running LU's target port groups and their states, by device name. */
    default CompletionStage<Map<String, org.scstj.engine.alua.AluaState>> aluaStates() {
        return java.util.concurrent.CompletableFuture.completedFuture(Map.of());
    }

    CompletionStage<Void> closeSessions(String target);

    CompletionStage<List<SessionInfo>> sessions();

    CompletionStage<Boolean> closeSession(String id);

    CompletionStage<Boolean> requestLogout(String id);

    /**
     * Switches the per-stage latency histograms of these devices (docs/latency.md); returns the
     * names that are no running device.
     */
    default List<String> measureLatency(java.util.Collection<String> devices, boolean on) {
        throw new UnsupportedOperationException("no latency measurement here");
    }

    /** The devices a running target maps, or null when there is no such target. */
    default List<String> devicesOf(String target) {
        return null;
    }

    /** Every running device's latency histograms, or {@code only}'s; {@code reset} empties them as they are read. */
    default CompletionStage<List<org.scstj.engine.latency.LatencySnapshot>> latency(String only, boolean reset) {
        return java.util.concurrent.CompletableFuture.completedFuture(List.of());
    }

    /** Device geometry and state as the engine runs it, by device name. */
    Map<String, DeviceState> devices();

    /** This daemon as a cluster node, or null for a single node. */
    default ClusterControl cluster() {
        return null;
    }

    /** The engine's actors and dispatchers for the live view (GET /api/v1/actors); null without an engine. */
    default Introspection introspection() {
        return null;
    }

    /** What the actor and dispatcher routes read: the actors' registry, the dispatchers, the scheduler asks time out on. */
    record Introspection(org.scstj.engine.actors.ActorStats actors,
                         java.util.function.Supplier<List<org.scstj.engine.dispatch.DispatcherStats.Stats>> dispatchers,
                         org.apache.pekko.actor.typed.Scheduler scheduler) {
    }

    record DeviceState(int blockSize, long blockCount, boolean readOnly, boolean writeBack, boolean thinProvisioned,
                       boolean removable, boolean mediumPresent, boolean trayOpen, List<String> elements) {
    }
}
