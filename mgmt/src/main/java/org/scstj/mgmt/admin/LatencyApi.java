package org.scstj.mgmt.admin;

import org.scstj.engine.latency.LatencySnapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's latency routes (docs/latency.md): {@code GET /api/v1/latency} reads every device's
 * per-stage histograms, {@code PUT} switches them for a device or a target's devices, {@code DELETE}
 * reads and empties them.
 */
final class LatencyApi {
    private final ChangeManager changes;

    LatencyApi(ChangeManager changes) {
        this.changes = changes;
    }

    /** {@code GET /api/v1/latency[?device=NAME]}. */
    Api.Reply get(Api.Call c) throws ApiException {
        return Api.Reply.ok(read(c, false));
    }

    /** {@code DELETE /api/v1/latency[?device=NAME]}: what was counted, then empties the histograms. */
    Api.Reply reset(Api.Call c) throws ApiException {
        return Api.Reply.ok(read(c, true));
    }

    private Map<String, Object> read(Api.Call c, boolean reset) throws ApiException {
        String only = c.query().get("device");
        List<LatencySnapshot> all = ChangeManagerAwait.await("reading the latency histograms",
                changes.live().latency(only, reset));
        List<Map<String, Object>> devices = new ArrayList<>();
        for (LatencySnapshot s : all) {
            devices.add(json(s));
        }
        if (only != null && devices.isEmpty()) {
            throw ApiException.field(404, "device", "no device " + only);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unit", "us");
        out.put("reset", reset);
        out.put("devices", devices);
        return out;
    }

    /** One device's histograms as the API shows them: one flat entry per stage, operation and size class. */
    static Map<String, Object> json(LatencySnapshot s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("device", s.device());
        d.put("enabled", s.enabled());
        d.put("since", s.since().toString());
        List<Map<String, Object>> stages = new ArrayList<>();
        for (LatencySnapshot.Entry e : s.stages()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", e.stage());
            m.put("op", e.op());
            m.put("size", e.size());
            m.put("count", e.count());
            m.put("mean", e.meanUs());
            m.put("p50", e.p50Us());
            m.put("p90", e.p90Us());
            m.put("p99", e.p99Us());
            m.put("p99.9", e.p999Us());
            m.put("max", e.maxUs());
            stages.add(m);
        }
        d.put("stages", stages);
        return d;
    }

    /** {@code PUT /api/v1/latency} {"device": NAME | "target": IQN, "enabled": true|false}. */
    Api.Reply put(Api.Call c) throws ApiException {
        Map<String, Object> body = Api.body(c, Set.of("device", "target", "enabled"));
        Object device = body.get("device");
        Object target = body.get("target");
        if (!(body.get("enabled") instanceof Boolean on)) {
            throw ApiException.field(422, "enabled", "required: true or false");
        }
        if ((device == null) == (target == null)) {
            throw ApiException.field(422, device == null ? "device" : "target", "give one of device and target");
        }
        List<String> names;
        if (device != null) {
            if (!(device instanceof String name) || name.isBlank()) {
                throw ApiException.field(422, "device", "expected a device name");
            }
            names = List.of(name);
        } else {
            if (!(target instanceof String t) || t.isBlank()) {
                throw ApiException.field(422, "target", "expected a target name");
            }
            names = changes.live().devicesOf(t);
            if (names == null) {
                throw ApiException.field(404, "target", "no running target " + t);
            }
        }
        boolean dry = c.flag("dry-run");
        List<String> unknown = dry ? List.of() : changes.live().measureLatency(names, on);
        if (!unknown.isEmpty()) {
            throw ApiException.field(404, "device", "no running device " + String.join(", ", unknown));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", on);
        out.put("devices", names);
        out.put("applied", !dry);
        return Api.Reply.ok(out);
    }
}
