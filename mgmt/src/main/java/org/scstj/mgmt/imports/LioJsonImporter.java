package org.scstj.mgmt.imports;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads targetcli's {@code saveconfig.json} (rtslib's dump, {@code saveconfig.json(5)}) into an
 * {@link ImportedConfig}.
 *
 * <ul>
 *   <li>storage objects: {@code fileio} → {@code vdisk_fileio} (dev, size, write_back,
 *       block_size, emulate_tpu/tpws → thin); {@code block} → {@code vdisk_blockio} (dev,
 *       readonly, write_back = false → write-through, block_size, emulate_tpu/tpws → thin; the size
 *       is the device's); {@code ramdisk} with {@code nullio} → {@code vdisk_nullio};
 *       {@code pscsi}, {@code user} and a memory-backed {@code ramdisk} are written commented out,
 *       with a note;</li>
 *   <li>a TPG's {@code luns} with {@code generate_node_acls = 1} → the target's {@code luns}
 *       (read-only when {@code demo_mode_write_protect = 1}); its {@code node_acls} → groups, one
 *       per distinct set of mapped LUNs and CHAP credentials ({@code write_protect} →
 *       {@code read-only});</li>
 *   <li>CHAP: the TPG's {@code chap_*} (dynamic ACLs) → the target's {@code auth}, an ACL's → its
 *       group's, the {@code mutual} pair → {@code target-user}/{@code target-secret};
 *       {@code fabric_modules} iscsi {@code discovery_*} → {@code discovery-auth};</li>
 *   <li>portals: all TPGs with tag 1 → {@code portals}; several tags → {@code portal-groups}
 *       {@code tpg<tag>}, each target naming the tags it has.</li>
 * </ul>
 */
public final class LioJsonImporter {
    /** scstj's device names (docs/configuration.md, Devices). */
    private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** LIO's defaults for storage-object attributes that scstj has no setting for; others are noted when they differ. */
    private static final Map<String, Object> SO_DEFAULTS = Map.ofEntries(
            Map.entry("emulate_3pc", 1), Map.entry("emulate_caw", 1), Map.entry("emulate_dpo", 1),
            Map.entry("emulate_fua_read", 1), Map.entry("emulate_fua_write", 1), Map.entry("emulate_model_alias", 1),
            Map.entry("emulate_rest_reord", 0), Map.entry("emulate_tas", 1), Map.entry("emulate_ua_intlck_ctrl", 0),
            Map.entry("emulate_write_cache", 0), Map.entry("emulate_pr", 1), Map.entry("enforce_pr_isids", 1),
            Map.entry("force_pr_aptpl", 0), Map.entry("is_nonrot", 0), Map.entry("pi_prot_format", 0),
            Map.entry("pi_prot_type", 0), Map.entry("pi_prot_verify", 0), Map.entry("unmap_zeroes_data", 0),
            Map.entry("alua_support", 1), Map.entry("pgr_support", 1));
    /** Limits scstj chooses itself (queue depths, unmap and transfer limits): not noted. */
    private static final Set<String> SO_LIMITS = Set.of("max_unmap_block_desc_count", "max_unmap_lba_count",
            "max_write_same_len", "optimal_sectors", "queue_depth", "unmap_granularity", "unmap_granularity_alignment",
            "submit_type", "emulate_legacy_pr");
    private static final Set<String> SO_MAPPED = Set.of("block_size", "emulate_tpu", "emulate_tpws");
    private static final Map<String, Object> TPG_DEFAULTS = Map.ofEntries(
            Map.entry("cache_dynamic_acls", 0), Map.entry("default_cmdsn_depth", 64), Map.entry("default_erl", 0),
            Map.entry("demo_mode_discovery", 1), Map.entry("fabric_prot_type", 0), Map.entry("login_keys_ro", 0),
            Map.entry("login_timeout", 15), Map.entry("netif_timeout", 2), Map.entry("prod_mode_write_protect", 0),
            Map.entry("t10_pi", 0), Map.entry("tpg_enabled_sendtargets", 1));
    private static final Set<String> TPG_MAPPED = Set.of("authentication", "generate_node_acls", "demo_mode_write_protect");
    private static final Map<String, Object> ACL_DEFAULTS = Map.ofEntries(
            Map.entry("dataout_timeout", 3), Map.entry("dataout_timeout_retries", 5), Map.entry("default_erl", 0),
            Map.entry("nopin_response_timeout", 30), Map.entry("nopin_timeout", 15),
            Map.entry("random_datain_pdu_offsets", 0), Map.entry("random_datain_seq_offsets", 0),
            Map.entry("random_r2t_offsets", 0));
    /** LIO's iSCSI parameter defaults; a TPG parameter that differs is noted (scstj's keys are driver-wide). */
    private static final Map<String, Object> PARAM_DEFAULTS = Map.ofEntries(
            Map.entry("AuthMethod", "CHAP,None"), Map.entry("DataDigest", "CRC32C,None"),
            Map.entry("HeaderDigest", "CRC32C,None"), Map.entry("DataPDUInOrder", "Yes"),
            Map.entry("DataSequenceInOrder", "Yes"), Map.entry("DefaultTime2Retain", "20"),
            Map.entry("DefaultTime2Wait", "2"), Map.entry("ErrorRecoveryLevel", "0"),
            Map.entry("FirstBurstLength", "65536"), Map.entry("ImmediateData", "Yes"), Map.entry("InitialR2T", "Yes"),
            Map.entry("MaxBurstLength", "262144"), Map.entry("MaxConnections", "1"),
            Map.entry("MaxOutstandingR2T", "1"), Map.entry("MaxRecvDataSegmentLength", "8192"),
            Map.entry("MaxXmitDataSegmentLength", "262144"), Map.entry("IFMarker", "No"), Map.entry("OFMarker", "No"),
            Map.entry("IFMarkInt", "2048~65535"), Map.entry("OFMarkInt", "2048~65535"),
            Map.entry("TargetAlias", "LIO Target"), Map.entry("iSERHCA", "No"), Map.entry("RDMAExtensions", "No"),
            Map.entry("InitiatorRecvDataSegmentLength", "262144"), Map.entry("TargetRecvDataSegmentLength", "8192"));

    private final List<ImportNote> notes = new ArrayList<>();
    private final List<ImportedDevice> devices = new ArrayList<>();
    /** "/backstores/<plugin>/<name>" → the imported device. */
    private final Map<String, ImportedDevice> byPath = new HashMap<>();
    private final List<ImportedTarget> targets = new ArrayList<>();
    /** Per imported target (same order), its TPGs' tags and portals: resolved into portals or portal groups at the end. */
    private final List<Map<Integer, List<Located>>> portalsByTarget = new ArrayList<>();
    private ChapCredentials discoveryAuth;

    private record Located(String portal, String path) {
    }

    private LioJsonImporter() {
    }

    /** Imports {@code saveconfig.json} text. */
    public static ImportedConfig importText(String json) throws ImportException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "$" : at.getLineNr() + ":" + at.getColumnNr();
            throw new ImportException(where, "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ImportException("$", "expected a JSON object { \"storage_objects\": [...], \"targets\": [...] }");
        }
        return new LioJsonImporter().read(root);
    }

    private ImportedConfig read(JsonNode root) throws ImportException {
        for (String key : names(root)) {
            switch (key) {
                case "storage_objects", "targets", "fabric_modules" -> { }
                default -> notes.add(ImportNote.atPath("$." + key, "unknown top-level key: not imported"));
            }
        }
        JsonNode sos = array(root, "storage_objects", "$");
        for (int i = 0; i < sos.size(); i++) {
            storageObject(sos.get(i), "$.storage_objects[" + i + "]");
        }
        JsonNode fms = array(root, "fabric_modules", "$");
        for (int i = 0; i < fms.size(); i++) {
            fabricModule(fms.get(i), "$.fabric_modules[" + i + "]");
        }
        JsonNode ts = array(root, "targets", "$");
        for (int i = 0; i < ts.size(); i++) {
            target(ts.get(i), "$.targets[" + i + "]");
        }
        return portals();
    }

    // ---- storage objects ----

    private void storageObject(JsonNode so, String path) throws ImportException {
        object(so, path);
        String plugin = string(so, "plugin", path, true);
        String sourceName = string(so, "name", path, true);
        String name = deviceName(sourceName, plugin, path);
        String dev = string(so, "dev", path, false);
        Long size = so.has("size") ? number(so, "size", path) : null;
        Boolean writeBack = so.has("write_back") ? bool(so, "write_back", path) : null;
        Boolean readOnly = so.has("readonly") ? bool(so, "readonly", path) : null;
        boolean nullio = so.has("nullio") && bool(so, "nullio", path);
        String handler;
        boolean supported;
        switch (plugin) {
            case "fileio", "block" -> {
                handler = plugin.equals("fileio") ? "vdisk_fileio" : "vdisk_blockio";
                supported = true;
                if (dev == null) {
                    throw new ImportException(path + ".dev", "a " + plugin + " storage object needs dev (the backing "
                            + (plugin.equals("fileio") ? "file)" : "block device)"));
                }
            }
            case "ramdisk" -> {
                supported = nullio;
                handler = nullio ? "vdisk_nullio" : "ramdisk";
                writeBack = null;
                if (!nullio) {
                    notes.add(ImportNote.atPath(path, "ramdisk '" + sourceName + "' not imported: scstj has no memory-backed "
                            + "handler (vdisk_nullio would discard writes); written commented out, with the LUNs that map it"));
                }
            }
            default -> {
                supported = false;
                handler = plugin;
                String why = switch (plugin) {
                    case "pscsi" -> "scstj has no SCSI pass-through handler";
                    case "user" -> "scstj has no user-space (TCMU) backstores";
                    default -> "scstj has no such backstore";
                };
                notes.add(ImportNote.atPath(path, plugin + " storage object '" + sourceName + "' not imported: " + why
                        + "; written commented out, with the LUNs that map it"));
            }
        }
        boolean blockio = handler.equals("vdisk_blockio");
        if (so.hasNonNull("wwn") && supported) {
            notes.add(ImportNote.atPath(path + ".wwn", "wwn of '" + sourceName + "' not imported: scstj derives the unit "
                    + "serial number and identifiers from the device name, so initiators see a new identity"));
        }
        if (blockio && size != null) {
            notes.add(ImportNote.atPath(path + ".size", "size of block storage object '" + sourceName
                    + "': the size is the block device's own: not imported"));
            size = null;
        }
        Integer blockSize = null;
        Boolean thin = null;
        JsonNode attrs = so.get("attributes");
        if (attrs != null && attrs.isObject()) {
            if (attrs.has("block_size")) {
                long bs = number(attrs, "block_size", path + ".attributes");
                if (bs == 512 || bs == 4096) {
                    // vdisk_fileio's default is 512; vdisk_blockio's the device's, which check compares it with
                    blockSize = bs == 512 && !blockio ? null : (int) bs;
                } else {
                    notes.add(ImportNote.atPath(path + ".attributes.block_size", "block_size " + bs + " of '"
                            + sourceName + "': scstj supports 512 and 4096 only; left at the default"));
                }
            }
            boolean tpu = attrs.has("emulate_tpu") && number(attrs, "emulate_tpu", path + ".attributes") != 0;
            boolean tpws = attrs.has("emulate_tpws") && number(attrs, "emulate_tpws", path + ".attributes") != 0;
            if ((tpu || tpws) && handler.equals("vdisk_fileio")) {
                thin = true;
            } else if (blockio && (attrs.has("emulate_tpu") || attrs.has("emulate_tpws"))) {
                thin = tpu || tpws; // stated either way: vdisk_blockio's default is whether the device can discard
            }
            nonDefault(attrs, path + ".attributes", "storage object '" + sourceName + "'", SO_DEFAULTS, SO_MAPPED, SO_LIMITS);
        }
        if (handler.equals("vdisk_nullio")) {
            writeBack = null;
            readOnly = null;
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        put(settings, "filename", dev);
        put(settings, "size", size);
        put(settings, "block-size", blockSize);
        put(settings, "thin-provisioned", thin);
        put(settings, "read-only", readOnly);
        if (blockio) {
            // LIO's write_back = false: every write is written through (scstj's default is a write-back cache)
            put(settings, "write-through", Boolean.FALSE.equals(writeBack) ? true : null);
        } else {
            put(settings, "write-back", supported && Boolean.TRUE.equals(writeBack) ? null : writeBack);
        }
        ImportedDevice d = new ImportedDevice(name, handler, supported, settings);
        devices.add(d);
        byPath.put("/backstores/" + plugin + "/" + sourceName, d);
    }

    private static void put(Map<String, Object> settings, String key, Object value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    /** scstj's device names are unique over all handlers and of limited characters; LIO's per plugin and free. */
    private String deviceName(String sourceName, String plugin, String path) {
        String name = sourceName;
        if (!DEVICE_NAME.matcher(name).matches()) {
            name = name.replaceAll("[^A-Za-z0-9_.-]", "_");
            if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
                name = "d" + name;
            }
            if (name.length() > 64) {
                name = name.substring(0, 64);
            }
        }
        String base = name;
        for (int n = 2; taken(name); n++) {
            name = base + "-" + plugin + (n == 2 ? "" : Integer.toString(n));
        }
        if (!name.equals(sourceName)) {
            notes.add(ImportNote.atPath(path + ".name", plugin + " storage object '" + sourceName + "' is device '" + name
                    + "': scstj device names are unique over all handlers, of A-Z a-z 0-9 _ . -"));
        }
        return name;
    }

    private boolean taken(String name) {
        return devices.stream().anyMatch(d -> d.name().equals(name));
    }

    // ---- fabric modules ----

    private void fabricModule(JsonNode fm, String path) throws ImportException {
        object(fm, path);
        String name = string(fm, "name", path, true);
        boolean enabled = fm.has("discovery_enable_auth") && bool(fm, "discovery_enable_auth", path);
        if (!name.equals("iscsi") || !enabled) {
            return;
        }
        discoveryAuth = chap(fm, path, "discovery_userid", "discovery_password", "discovery_mutual_userid",
                "discovery_mutual_password");
    }

    // ---- targets ----

    private void target(JsonNode t, String path) throws ImportException {
        object(t, path);
        String fabric = string(t, "fabric", path, true);
        String wwn = string(t, "wwn", path, true);
        if (!fabric.equals("iscsi")) {
            notes.add(ImportNote.atPath(path, fabric + " target '" + wwn + "' not imported: scstj serves iSCSI only"));
            return;
        }
        JsonNode tpgs = array(t, "tpgs", path);
        Map<Integer, List<Located>> portals = new TreeMap<>();
        Tpg first = null;
        for (int i = 0; i < tpgs.size(); i++) {
            String tpgPath = path + ".tpgs[" + i + "]";
            Tpg tpg = tpg(tpgs.get(i), tpgPath, wwn);
            if (portals.containsKey(tpg.tag)) {
                throw new ImportException(tpgPath + ".tag", "tag " + tpg.tag + " is used twice in target '" + wwn + "'");
            }
            portals.put(tpg.tag, tpg.portals);
            if (first == null) {
                first = tpg;
            } else if (!first.luns.equals(tpg.luns) || !first.groups.equals(tpg.groups)
                    || !Objects.equals(first.auth, tpg.auth)) {
                notes.add(ImportNote.atPath(tpgPath, "tpg " + tpg.tag + " of '" + wwn + "' maps other LUNs, ACLs or CHAP "
                        + "than tpg " + first.tag + "; scstj gives a target one set through all its portal groups: only tpg "
                        + first.tag + "'s are imported"));
            }
        }
        if (first == null) {
            notes.add(ImportNote.atPath(path + ".tpgs", "target '" + wwn + "' has no TPG: imported without LUNs"));
            first = new Tpg(1, List.of(), List.of(), null, List.of());
            portals.put(1, List.of());
        }
        targets.add(new ImportedTarget(wwn, first.luns, first.groups, first.auth, List.of()));
        portalsByTarget.add(portals);
    }

    private record Tpg(int tag, List<ImportedLun> luns, List<ImportedGroup> groups, ChapCredentials auth,
                       List<Located> portals) {
    }

    private Tpg tpg(JsonNode tpg, String path, String wwn) throws ImportException {
        object(tpg, path);
        int tag = tpg.has("tag") ? (int) number(tpg, "tag", path) : 1;
        if (tag < 1 || tag > 65535) {
            throw new ImportException(path + ".tag", "a TPG tag is 1..65535, was " + tag);
        }
        String what = "tpg " + tag + " of '" + wwn + "'";
        if (tpg.has("enable") && !bool(tpg, "enable", path)) {
            notes.add(ImportNote.atPath(path + ".enable", what + " is disabled; scstj serves every target it is given"));
        }
        JsonNode attrs = tpg.get("attributes");
        long authentication = 0;
        long generateAcls = 0;
        long demoWriteProtect = 1;
        if (attrs != null && attrs.isObject()) {
            String ap = path + ".attributes";
            authentication = attrs.has("authentication") ? number(attrs, "authentication", ap) : 0;
            generateAcls = attrs.has("generate_node_acls") ? number(attrs, "generate_node_acls", ap) : 0;
            demoWriteProtect = attrs.has("demo_mode_write_protect") ? number(attrs, "demo_mode_write_protect", ap) : 1;
            nonDefault(attrs, ap, what, TPG_DEFAULTS, TPG_MAPPED, Set.of());
        }
        JsonNode params = tpg.get("parameters");
        if (params != null && params.isObject()) {
            nonDefault(params, path + ".parameters", what, PARAM_DEFAULTS, Set.of(), Set.of());
        }
        // the TPG's LUNs, by their index
        Map<Integer, ImportedDevice> tpgLuns = new TreeMap<>();
        JsonNode luns = array(tpg, "luns", path);
        for (int i = 0; i < luns.size(); i++) {
            String lp = path + ".luns[" + i + "]";
            JsonNode lun = luns.get(i);
            object(lun, lp);
            int index = (int) number(lun, "index", lp);
            String so = string(lun, "storage_object", lp, true);
            ImportedDevice d = byPath.get(so);
            if (d == null) {
                throw new ImportException(lp + ".storage_object", "'" + so + "' is no storage object of this file");
            }
            String alua = lun.hasNonNull("alua_tg_pt_gp_name") ? lun.get("alua_tg_pt_gp_name").asText() : "default_tg_pt_gp";
            if (!alua.equals("default_tg_pt_gp")) {
                notes.add(ImportNote.atPath(lp + ".alua_tg_pt_gp_name", "ALUA target port group '" + alua + "' of LUN "
                        + index + " not imported: scstj reports one target port group per portal group tag"));
            }
            tpgLuns.put(index, d);
        }
        List<ImportedLun> targetLuns = new ArrayList<>();
        ChapCredentials tpgAuth = chap(tpg, path, "chap_userid", "chap_password", "chap_mutual_userid", "chap_mutual_password");
        if (generateAcls != 0) {
            boolean readOnly = demoWriteProtect != 0;
            tpgLuns.forEach((index, d) -> targetLuns.add(new ImportedLun(index, d.name(), readOnly)));
        } else if (tpgAuth != null) {
            notes.add(ImportNote.atPath(path + ".chap_userid", what + ": TPG-level CHAP applies to dynamic ACLs only "
                    + "(generate_node_acls = 0): not imported"));
            tpgAuth = null;
        }
        List<ImportedGroup> groups = acls(tpg, path, what, tpgLuns, authentication != 0);
        if (authentication == 0 && (tpgAuth != null || groups.stream().anyMatch(g -> g.auth() != null))) {
            notes.add(ImportNote.atPath(path + ".attributes.authentication", what + ": authentication = 0 lets LIO's "
                    + "initiators skip CHAP; scstj requires CHAP wherever credentials are set"));
        }
        if (authentication != 0 && generateAcls != 0 && tpgAuth == null) {
            notes.add(ImportNote.atPath(path + ".attributes.authentication", what + ": authentication = 1 without "
                    + "TPG credentials; scstj lets initiators in no group log in without CHAP"));
        }
        List<Located> portals = new ArrayList<>();
        JsonNode ps = array(tpg, "portals", path);
        for (int i = 0; i < ps.size(); i++) {
            String pp = path + ".portals[" + i + "]";
            JsonNode p = ps.get(i);
            object(p, pp);
            String ip = string(p, "ip_address", pp, true);
            long port = p.has("port") ? number(p, "port", pp) : 3260;
            if ((p.has("iser") && bool(p, "iser", pp)) || (p.has("offload") && bool(p, "offload", pp))) {
                notes.add(ImportNote.atPath(pp, "portal " + ip + ":" + port + " uses iSER or offload; scstj serves it "
                        + "over plain TCP"));
            }
            String portal = (ip.contains(":") ? "[" + ip.replaceAll("^\\[|]$", "") + "]" : ip) + ":" + port;
            if (portals.stream().noneMatch(l -> l.portal.equals(portal))) {
                portals.add(new Located(portal, pp));
            }
        }
        return new Tpg(tag, targetLuns, groups, tpgAuth, portals);
    }

    /**
     * LIO's ACLs are per initiator; scstj's groups list initiators. ACLs with the same mapped LUNs
     * and the same CHAP credentials share one group, {@code acl1}, {@code acl2}, ... in file order.
     */
    private List<ImportedGroup> acls(JsonNode tpg, String path, String what, Map<Integer, ImportedDevice> tpgLuns,
                                     boolean authentication) throws ImportException {
        record Key(List<ImportedLun> luns, ChapCredentials auth) {
        }
        Map<Key, Set<String>> grouped = new LinkedHashMap<>();
        JsonNode acls = array(tpg, "node_acls", path);
        for (int i = 0; i < acls.size(); i++) {
            String ap = path + ".node_acls[" + i + "]";
            JsonNode acl = acls.get(i);
            object(acl, ap);
            String initiator = string(acl, "node_wwn", ap, true);
            Map<Integer, ImportedLun> mapped = new TreeMap<>();
            JsonNode mls = array(acl, "mapped_luns", ap);
            for (int j = 0; j < mls.size(); j++) {
                String mp = ap + ".mapped_luns[" + j + "]";
                JsonNode ml = mls.get(j);
                object(ml, mp);
                int index = (int) number(ml, "index", mp);
                int tpgLun = (int) number(ml, "tpg_lun", mp);
                ImportedDevice d = tpgLuns.get(tpgLun);
                if (d == null) {
                    throw new ImportException(mp + ".tpg_lun", "tpg_lun " + tpgLun + " is no LUN of " + what);
                }
                boolean wp = ml.has("write_protect") && bool(ml, "write_protect", mp);
                mapped.put(index, new ImportedLun(index, d.name(), wp));
            }
            ChapCredentials auth = chap(acl, ap, "chap_userid", "chap_password", "chap_mutual_userid", "chap_mutual_password");
            if (authentication && auth == null) {
                notes.add(ImportNote.atPath(ap, "ACL '" + initiator + "' of " + what + " has no CHAP credentials: LIO "
                        + "(authentication = 1) refuses its logins, scstj lets it log in without CHAP"));
            }
            JsonNode attrs = acl.get("attributes");
            if (attrs != null && attrs.isObject()) {
                nonDefault(attrs, ap + ".attributes", "ACL '" + initiator + "'", ACL_DEFAULTS, Set.of(), Set.of());
            }
            grouped.computeIfAbsent(new Key(List.copyOf(mapped.values()), auth), k -> new LinkedHashSet<>()).add(initiator);
        }
        List<ImportedGroup> groups = new ArrayList<>();
        grouped.forEach((k, initiators) ->
                groups.add(new ImportedGroup("acl" + (groups.size() + 1), List.copyOf(initiators), k.luns(), k.auth())));
        return groups;
    }

    // ---- portals ----

    /** All TPGs tagged 1: one {@code portals} list. Otherwise one portal group per tag. A portal serves one group. */
    private ImportedConfig portals() {
        Set<Integer> tags = new java.util.TreeSet<>();
        portalsByTarget.forEach(m -> tags.addAll(m.keySet()));
        Map<Integer, List<String>> byTag = new TreeMap<>();
        for (int tag : tags) {
            List<String> list = new ArrayList<>();
            for (Map<Integer, List<Located>> m : portalsByTarget) {
                for (Located l : m.getOrDefault(tag, List.of())) {
                    if (list.contains(l.portal)) {
                        continue;
                    }
                    String clash = clash(l.portal, byTag, list);
                    if (clash != null) {
                        notes.add(ImportNote.atPath(l.path, "portal " + l.portal + " of tpg " + tag + " overlaps " + clash
                                + ", and scstj listens on each address once: not imported"));
                    } else {
                        list.add(l.portal);
                    }
                }
            }
            byTag.put(tag, list);
        }
        if (tags.equals(Set.of(1)) || tags.isEmpty()) {
            List<String> portals = byTag.getOrDefault(1, List.of());
            for (int i = 0; i < targets.size(); i++) {
                List<String> own = portalsByTarget.get(i).getOrDefault(1, List.of()).stream().map(Located::portal).toList();
                if (!own.isEmpty() && !new LinkedHashSet<>(own).equals(new LinkedHashSet<>(portals))) {
                    notes.add(ImportNote.atPath(portalsByTarget.get(i).get(1).getFirst().path.replaceAll("\\.portals\\[\\d+]$", ".portals"),
                            "target '" + targets.get(i).name() + "' listened on " + own + " only; in scstj every target "
                                    + "is reachable on every portal of its group: " + portals));
                }
            }
            return new ImportedConfig(devices, portals, List.of(), discoveryAuth, targets, notes);
        }
        List<ImportedPortalGroup> groups = new ArrayList<>();
        byTag.forEach((tag, list) -> {
            if (!list.isEmpty()) {
                groups.add(new ImportedPortalGroup("tpg" + tag, tag, list));
            }
        });
        List<String> all = groups.stream().map(ImportedPortalGroup::name).toList();
        List<ImportedTarget> withGroups = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            ImportedTarget t = targets.get(i);
            List<String> own = portalsByTarget.get(i).keySet().stream().map(tag -> "tpg" + tag).filter(all::contains).toList();
            withGroups.add(new ImportedTarget(t.name(), t.luns(), t.groups(), t.auth(), own.equals(all) ? List.of() : own));
        }
        return new ImportedConfig(devices, List.of(), groups, discoveryAuth, withGroups, notes);
    }

    /** Another portal this one cannot coexist with: the same in another tag, or a wildcard of its family and port. */
    private static String clash(String portal, Map<Integer, List<String>> otherTags, List<String> own) {
        List<String> others = new ArrayList<>(own);
        otherTags.values().forEach(others::addAll);
        for (String o : others) {
            if (o.equals(portal) || samePortAndFamily(o, portal) && (wildcard(o) || wildcard(portal))) {
                return o;
            }
        }
        return null;
    }

    private static boolean samePortAndFamily(String a, String b) {
        String portA = a.substring(a.lastIndexOf(':') + 1);
        String portB = b.substring(b.lastIndexOf(':') + 1);
        return portA.equals(portB) && a.startsWith("[") == b.startsWith("[");
    }

    private static boolean wildcard(String portal) {
        String host = portal.substring(0, portal.lastIndexOf(':'));
        return host.equals("0.0.0.0") || host.equals("[::]") || host.equals("[::0]");
    }

    // ---- CHAP and attributes ----

    private ChapCredentials chap(JsonNode n, String path, String user, String secret, String mutualUser,
                                 String mutualSecret) throws ImportException {
        String u = string(n, user, path, false);
        String s = string(n, secret, path, false);
        String mu = string(n, mutualUser, path, false);
        String ms = string(n, mutualSecret, path, false);
        if (blank(u) && blank(s) && blank(mu) && blank(ms)) {
            return null;
        }
        if (blank(u) != blank(s)) {
            notes.add(ImportNote.atPath(path + "." + (blank(u) ? user : secret), "CHAP " + (blank(u) ? "secret without user"
                    : "user without secret") + ": scstj refuses half credentials; fix before use"));
        }
        return new ChapCredentials(blank(u) ? null : u, blank(s) ? null : s, blank(mu) ? null : mu, blank(ms) ? null : ms);
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    /** Notes each attribute that is neither mapped nor a limit scstj chooses, when it differs from LIO's default. */
    private void nonDefault(JsonNode attrs, String path, String what, Map<String, Object> defaults, Set<String> mapped,
                            Set<String> limits) {
        for (String key : names(attrs)) {
            if (mapped.contains(key) || limits.contains(key) || key.startsWith("hw_")) {
                continue;
            }
            JsonNode v = attrs.get(key);
            Object dflt = defaults.get(key);
            if (dflt != null && String.valueOf(dflt).equals(v.asText())) {
                continue;
            }
            notes.add(ImportNote.atPath(path + "." + key, key + " = " + v + " of " + what
                    + " has no scstj equivalent: not imported"));
        }
    }

    // ---- JSON access with paths ----

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void object(JsonNode n, String path) throws ImportException {
        if (n == null || !n.isObject()) {
            throw new ImportException(path, "expected an object");
        }
    }

    private static JsonNode array(JsonNode parent, String key, String path) throws ImportException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!n.isArray()) {
            throw new ImportException(path + "." + key, "expected an array");
        }
        return n;
    }

    private static String string(JsonNode parent, String key, String path, boolean required) throws ImportException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                throw new ImportException(path + "." + key, "missing (a string)");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new ImportException(path + "." + key, "expected a string, found " + n);
        }
        return n.asText();
    }

    private static long number(JsonNode parent, String key, String path) throws ImportException {
        JsonNode n = parent.get(key);
        if (n == null || !n.isIntegralNumber() && !(n.isTextual() && n.asText().matches("-?\\d{1,18}"))) {
            throw new ImportException(path + "." + key, n == null ? "missing (a number)" : "expected a whole number, found " + n);
        }
        return n.isTextual() ? Long.parseLong(n.asText()) : n.asLong();
    }

    private static boolean bool(JsonNode parent, String key, String path) throws ImportException {
        JsonNode n = parent.get(key);
        if (n != null && n.isBoolean()) {
            return n.asBoolean();
        }
        if (n != null && n.isIntegralNumber() && (n.asLong() == 0 || n.asLong() == 1)) {
            return n.asLong() == 1;
        }
        throw new ImportException(path + "." + key, "expected true or false, found " + n);
    }
}
