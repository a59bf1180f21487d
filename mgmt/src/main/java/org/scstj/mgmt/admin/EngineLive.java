package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.engine.spi.TargetDriver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** {@link Live} on the running engine and iSCSI driver. */
final class EngineLive implements Live {
    private final ScsiEngine engine;
    private final TargetDriver driver;

    private final ClusterControl cluster;

    EngineLive(ScsiEngine engine, TargetDriver driver) {
        this(engine, driver, null);
    }

    /** @param cluster this daemon as a cluster node, or null */
    EngineLive(ScsiEngine engine, TargetDriver driver, ClusterControl cluster) {
        this.engine = engine;
        this.driver = driver;
        this.cluster = cluster;
    }

    @Override
    public ClusterControl cluster() {
        return cluster;
    }

    @Override
    public CompletionStage<Void> addDevice(DeviceSpec device) {
        return engine.addDevice(device);
    }

    @Override
    public CompletionStage<Void> removeDevice(String name) {
        return engine.removeDevice(name);
    }

    @Override
    public CompletionStage<Void> resizeDevice(String name, long bytes, boolean force) {
        return engine.resizeDevice(name, bytes, force);
    }

    @Override
    public CompletionStage<Void> importExport(String changer, String barcode, boolean in, boolean force) {
        return engine.importExport(changer, barcode, in, force);
    }

    @Override
    public CompletionStage<Void> changeMedium(String name, String medium, boolean force) {
        return engine.changeMedium(name, medium, force);
    }

    @Override
    public CompletionStage<Void> setDeviceAttributes(String name, Config changed) {
        return engine.setDeviceAttributes(name, changed);
    }

    @Override
    public CompletionStage<List<String>> reconfigureTargets(List<TargetSpec> targets) {
        return engine.reconfigure(targets);
    }

    @Override
    public CompletionStage<Void> reconfigureAlua(org.scstj.engine.model.AluaSpec alua) {
        return cluster == null ? engine.reconfigureAlua(alua) : cluster.reconfigureAlua(alua, engine::reconfigureAlua);
    }

    @Override
    public CompletionStage<Void> applyConfiguredAlua(java.util.Collection<String> devices) {
        return engine.applyConfiguredAlua(devices);
    }

    @Override
    public CompletionStage<Map<String, org.scstj.engine.alua.AluaState>> aluaStates() {
        return engine.aluaStates();
    }

    @Override
    public CompletionStage<List<String>> reconfigureDriver(Config iscsiBlock) {
        return driver.reconfigure(iscsiBlock);
    }

    @Override
    public CompletionStage<Void> closeSessions(String target) {
        return driver.closeSessions(target);
    }

    @Override
    public CompletionStage<List<SessionInfo>> sessions() {
        return driver.sessions();
    }

    @Override
    public CompletionStage<Boolean> closeSession(String id) {
        return driver.closeSession(id);
    }

    @Override
    public CompletionStage<Boolean> requestLogout(String id) {
        return driver.requestLogout(id);
    }

    @Override
    public List<String> measureLatency(java.util.Collection<String> devices, boolean on) {
        return engine.measureLatency(devices, on);
    }

    @Override
    public List<String> devicesOf(String target) {
        return engine.devicesOf(target);
    }

    @Override
    public CompletionStage<List<org.scstj.engine.latency.LatencySnapshot>> latency(String only, boolean reset) {
        return engine.latency(only, reset);
    }

    @Override
    public Introspection introspection() {
        return new Introspection(engine.actorStats(), engine::dispatchers, engine.system().scheduler());
    }

    @Override
    public Map<String, DeviceState> devices() {
        Map<String, DeviceState> out = new LinkedHashMap<>();
        for (ScsiEngine.DeviceStatus d : engine.devices()) {
            out.put(d.name(), new DeviceState(d.blockSize(), d.blockCount(), d.readOnly(), d.writeBack(),
                    d.thinProvisioned(), d.removable(), d.mediumPresent(), d.trayOpen(), d.elements()));
        }
        return out;
    }
}
