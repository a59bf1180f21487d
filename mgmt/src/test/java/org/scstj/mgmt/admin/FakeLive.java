package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.SessionInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A {@link Live} that records every call and fails the ones a test names. */
final class FakeLive implements Live {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    volatile List<TargetSpec> targets = List.of();
    volatile List<SessionInfo> sessions = List.of();
    volatile String failOn;
    volatile List<String> targetProblems = List.of();
    /** This daemon as a cluster node, or null (a single node). */
    volatile ClusterControl cluster;

    @Override
    public ClusterControl cluster() {
        return cluster;
    }

    private <T> CompletionStage<T> call(String what, T result) {
        calls.add(what);
        if (failOn != null && what.startsWith(failOn)) {
            return CompletableFuture.failedFuture(new IllegalStateException("injected failure: " + what));
        }
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public CompletionStage<Void> addDevice(DeviceSpec device) {
        return call("addDevice " + device.name(), null);
    }

    @Override
    public CompletionStage<Void> removeDevice(String name) {
        return call("removeDevice " + name, null);
    }

    @Override
    public CompletionStage<Void> resizeDevice(String name, long bytes, boolean force) {
        return call("resizeDevice " + name + " " + bytes + (force ? " force" : ""), null);
    }

    @Override
    public CompletionStage<Void> importExport(String changer, String barcode, boolean in, boolean force) {
        return call((in ? "import " : "export ") + changer + " " + barcode, null);
    }

    @Override
    public CompletionStage<Void> changeMedium(String name, String medium, boolean force) {
        return call("changeMedium " + name + " " + medium + (force ? " force" : ""), null);
    }

    @Override
    public CompletionStage<Void> setDeviceAttributes(String name, Config changed) {
        return call("setDeviceAttributes " + name + " " + changed.root().unwrapped(), null);
    }

    @Override
    public CompletionStage<List<String>> reconfigureTargets(List<TargetSpec> next) {
        calls.add("reconfigureTargets " + next.stream().map(t -> t.name() + t.defaultLuns()).toList());
        if (!targetProblems.isEmpty()) {
            List<String> p = targetProblems;
            targetProblems = List.of();
            return CompletableFuture.completedFuture(p);
        }
        targets = next;
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<List<String>> reconfigureDriver(Config iscsiBlock) {
        return call("reconfigureDriver", List.of());
    }

    /** The engine's ALUA configuration as last given (null: never), and what {@link #aluaStates} answers. */
    volatile org.scstj.engine.model.AluaSpec alua;
    volatile Map<String, org.scstj.engine.alua.AluaState> aluaStates = Map.of();

    @Override
    public CompletionStage<Void> reconfigureAlua(org.scstj.engine.model.AluaSpec next) {
        CompletionStage<Void> r = call("reconfigureAlua " + next.deviceGroups().stream()
                .map(g -> g.name() + new java.util.TreeMap<>(g.states()) + new java.util.TreeSet<>(g.preferred())).toList(), null);
        if (r.toCompletableFuture().isDone() && !r.toCompletableFuture().isCompletedExceptionally()) {
            alua = next;
        }
        return r;
    }

    @Override
    public CompletionStage<Void> applyConfiguredAlua(java.util.Collection<String> devices) {
        return call("applyConfiguredAlua " + new java.util.TreeSet<>(devices), null);
    }

    @Override
    public CompletionStage<Map<String, org.scstj.engine.alua.AluaState>> aluaStates() {
        return CompletableFuture.completedFuture(aluaStates);
    }

    @Override
    public CompletionStage<Void> closeSessions(String target) {
        return call("closeSessions " + target, null);
    }

    @Override
    public CompletionStage<List<SessionInfo>> sessions() {
        return CompletableFuture.completedFuture(sessions);
    }

    @Override
    public CompletionStage<Boolean> closeSession(String id) {
        return call("closeSession " + id, true);
    }

    @Override
    public CompletionStage<Boolean> requestLogout(String id) {
        return call("requestLogout " + id, true);
    }

    @Override
    public Map<String, DeviceState> devices() {
        return Map.of();
    }

    List<String> calls(String prefix) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.startsWith(prefix)).toList();
        }
    }
}
