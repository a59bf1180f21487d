package org.scstj.mgmt.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.scstj.cluster.ClusterNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's cluster routes (docs/cluster.md): {@code GET /api/v1/cluster} shows the membership
 * as this node sees it and this node's self-fence; {@code POST /api/v1/cluster/leave} leaves the
 * cluster in order and stops this daemon. A daemon without {@code scstj.cluster} answers 404.
 */
final class ClusterApi {
    private final ChangeManager changes;

    ClusterApi(ChangeManager changes) {
        this.changes = changes;
    }

    private ClusterControl control() throws ApiException {
        ClusterControl c = changes.live().cluster();
        if (c == null) {
            throw new ApiException(404, "this daemon is a single node (no scstj.cluster block)");
        }
        return c;
    }

    /** {@code GET /api/v1/cluster}. */
    Api.Reply get(Api.Call c) throws ApiException {
        return Api.Reply.ok(json(control().view()));
    }

    /**
     * {@code GET /api/v1/cluster/lus}: per LU (device), the node hosting its control entity (the
     * single writer of its reservations), its device group and that group's ALUA owner as
     * installed on this node, and the cluster configuration revision this node runs.
     */
    Api.Reply lus(Api.Call c) throws ApiException {
        ClusterControl control = control();
        var config = changes.state().config();
        List<String> devices = config.engine().devices().stream().map(org.scstj.engine.model.DeviceSpec::name).toList();
        Map<String, ClusterNode.LuHost> hosts;
        String hostsProblem = null;
        try {
            hosts = ChangeManagerAwait.await("asking the cluster's sharding statistics", control.controlHosts(devices));
        } catch (ApiException e) {
            hosts = Map.of();
            hostsProblem = e.getMessage();
        }
        Map<String, String> owners = control.aluaOwners();
        List<Map<String, Object>> lus = new ArrayList<>();
        for (String d : devices) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("device", d);
            ClusterNode.LuHost h = hosts.get(d);
            j.put("controlNode", h == null ? null : h.node());
            j.put("shard", h == null ? null : h.shard());
            String group = config.engine().alua().deviceGroups().stream()
                    .filter(g -> g.devices().contains(d)).map(org.scstj.engine.model.AluaSpec.DeviceGroupSpec::name)
                    .findFirst().orElse(null);
            j.put("deviceGroup", group);
            j.put("aluaOwner", group == null ? null : owners.get(group));
            lus.add(j);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("self", control.view().self());
        out.put("configRevision", changes.clusterRevision());
        out.put("lus", lus);
        if (hostsProblem != null) {
            out.put("problem", hostsProblem);
        }
        return Api.Reply.ok(out);
    }

    /** {@code POST /api/v1/cluster/leave}, body empty or {@code {"node": "<this node>"}}. */
    Api.Reply leave(Api.Call c) throws ApiException {
        ClusterControl control = control();
        String self = control.view().self();
        JsonNode node = nodeField(c, false, "{\"node\": \"" + self + "\"}");
        if (node != null && (!node.isTextual() || !node.asText().equals(self))) {
            throw ApiException.field(422, "node", "this node is " + self
                    + "; another node leaves through its own admin API");
        }
        control.leave();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", self);
        out.put("leaving", true);
        return new Api.Reply(202, out, null, Map.of());
    }

    /**
     * {@code POST /api/v1/cluster/down}, body {@code {"node": "n3"}}: marks another member down by
     * hand (the operator knows it is dead or fenced; the split-brain resolver would down it only
     * once it is unreachable). This node leaves through {@code leave} instead.
     */
    Api.Reply down(Api.Call c) throws ApiException {
        ClusterControl control = control();
        ClusterNode.View view = control.view();
        JsonNode node = nodeField(c, true, "{\"node\": \"n3\"}");
        if (!node.isTextual() || node.asText().isBlank()) {
            throw ApiException.field(422, "node", "expected a node name");
        }
        String name = node.asText();
        if (name.equals(view.self())) {
            throw ApiException.field(422, "node", name + " is this node: it leaves in order with cluster leave");
        }
        ClusterNode.MemberView member = view.members().stream().filter(m -> name.equals(m.node())).findFirst()
                .orElseThrow(() -> ApiException.field(422, "node", "no configured node " + name + " (known: "
                        + view.members().stream().map(ClusterNode.MemberView::node)
                        .filter(java.util.Objects::nonNull).toList() + ")"));
        if (member.status().equals("absent") || member.status().equals("removed")) {
            throw new ApiException(409, name + " is not a member now (" + member.status() + "): nothing to down");
        }
        if (!control.down(name)) {
            throw new ApiException(409, name + " is no longer a member: nothing to down");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", name);
        out.put("downed", true);
        out.put("was", member.status());
        out.put("reachable", member.reachable());
        return new Api.Reply(202, out, null, Map.of());
    }

    /** The body's {@code node} field (the only field allowed); null without a body when not required. */
    private static JsonNode nodeField(Api.Call c, boolean required, String example) throws ApiException {
        if (c.body() == null || c.body().length == 0) {
            if (required) {
                throw ApiException.field(422, "node", "required: " + example);
            }
            return null;
        }
        JsonNode body;
        try {
            body = Api.JSON.readTree(c.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiException(400, "the body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new ApiException(400, "the body cannot be read: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "expected a JSON object " + example);
        }
        var names = body.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (!f.equals("node")) {
                throw ApiException.field(422, f, "unknown field (known: node)");
            }
        }
        JsonNode node = body.get("node");
        if (node == null && required) {
            throw ApiException.field(422, "node", "required: " + example);
        }
        return node;
    }

    static Map<String, Object> json(ClusterNode.View v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("self", v.self());
        out.put("leader", v.leader());
        List<Map<String, Object>> members = new ArrayList<>();
        for (ClusterNode.MemberView m : v.members()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("node", m.node());
            j.put("address", m.address());
            j.put("roles", m.roles());
            j.put("status", m.status());
            j.put("reachable", m.reachable());
            members.add(j);
        }
        out.put("members", members);
        Map<String, Object> fence = new LinkedHashMap<>();
        fence.put("fenced", v.fenced());
        fence.put("leaseRemainingMs", v.leaseRemaining().toMillis());
        fence.put("leaseMs", v.lease().toMillis());
        fence.put("fences", v.fences());
        out.put("fence", fence);
        out.put("failoverTiming", v.failoverTiming());
        return out;
    }
}
