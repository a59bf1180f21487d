package org.scstj.mgmt.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads SCST's {@code scst.conf}, as {@code scstadmin -write_config} writes it, into an
 * {@link ImportedConfig}: {@code HANDLER} → devices, {@code TARGET_DRIVER iscsi} → targets with
 * their {@code LUN}s and {@code GROUP}s, {@code IncomingUser}/{@code OutgoingUser} → CHAP.
 * {@code DEVICE_GROUP} (ALUA), other target drivers, handlers scstj lacks and attributes it does
 * not read become notes at their line. An unknown top-level keyword, a malformed statement or
 * unbalanced braces make the whole file fail with {@link ImportException}.
 */
public final class ScstConfImporter {

    /** SCST's iscsi-scstd listens on every address at the iSCSI port; scst.conf does not say so. */
    static final String DEFAULT_PORTAL = "0.0.0.0:3260";

    private static final Set<String> TOP_LEVEL = Set.of("HANDLER", "TARGET_DRIVER", "DEVICE_GROUP");
    /** Keywords are upper case (HANDLER, TARGET); attributes are not (setup_id, IncomingUser). */
    private static final java.util.regex.Pattern KEYWORD = java.util.regex.Pattern.compile("[A-Z][A-Z_]*");
    private static final long MIB = 1L << 20;

    private final List<ImportNote> notes = new ArrayList<>();
    private final Map<String, ImportedDevice> devices = new LinkedHashMap<>();
    private final List<ImportedTarget> targets = new ArrayList<>();
    private ChapCredentials discoveryAuth;

    private ScstConfImporter() {
    }

    /** Imports {@code scst.conf} text. */
    public static ImportedConfig importText(String text) throws ImportException {
        return new ScstConfImporter().read(ScstConfParser.parse(text));
    }

    private ImportedConfig read(List<ScstConfStatement> top) throws ImportException {
        // devices first: LUNs refer to them wherever they stand in the file
        for (ScstConfStatement s : top) {
            if (TOP_LEVEL.contains(s.keyword())) {
                if (!s.block()) {
                    throw new ImportException(Integer.toString(s.line()), s.keyword() + " needs a block: '"
                            + s.text() + " { ... }'");
                }
            } else if (s.block() || KEYWORD.matcher(s.keyword()).matches()) {
                throw new ImportException(Integer.toString(s.line()), "unknown top-level keyword '" + s.keyword()
                        + "' (expected HANDLER, TARGET_DRIVER or DEVICE_GROUP blocks, or a global attribute)");
            }
            if (s.keyword().equals("HANDLER")) {
                handler(s);
            }
        }
        for (ScstConfStatement s : top) {
            switch (s.keyword()) {
                case "HANDLER" -> { }
                case "TARGET_DRIVER" -> targetDriver(s);
                case "DEVICE_GROUP" -> deviceGroup(s);
                default -> notes.add(ImportNote.atLine(s.line(), "global attribute '" + s.text()
                        + "' has no scstj equivalent: not imported"));
            }
        }
        List<String> portals = targets.isEmpty() ? List.of() : List.of(DEFAULT_PORTAL);
        // devices were read in a first pass: put every note back in file order
        notes.sort(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.location())));
        return new ImportedConfig(List.copyOf(devices.values()), portals, List.of(), discoveryAuth, targets, notes);
    }

    // ---- HANDLER / DEVICE ----

    private void handler(ScstConfStatement h) throws ImportException {
        String type = single(h, "a handler name");
        for (ScstConfStatement d : h.children()) {
            if (!d.keyword().equals("DEVICE")) {
                notes.add(ImportNote.atLine(d.line(), "handler attribute '" + d.text() + "' of " + type
                        + " has no scstj equivalent: not imported"));
                continue;
            }
            String name = single(d, "a device name");
            if (devices.containsKey(name)) {
                notes.add(ImportNote.atLine(d.line(), "device '" + name + "' is defined twice; this one is not imported"));
                continue;
            }
            devices.put(name, device(type, name, d));
        }
    }

    private ImportedDevice device(String type, String name, ScstConfStatement d) throws ImportException {
        boolean fileio = type.equals("vdisk_fileio");
        boolean blockio = type.equals("vdisk_blockio");
        boolean nullio = type.equals("vdisk_nullio");
        boolean cdrom = type.equals("vcdrom");
        boolean supported = fileio || blockio || nullio || cdrom;
        if (!supported) {
            notes.add(ImportNote.atLine(d.line(), unsupportedHandler(type, name)));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        boolean filenameGiven = false;
        for (ScstConfStatement a : d.children()) {
            if (a.block()) {
                notes.add(ImportNote.atLine(a.line(), "block '" + a.text() + "' inside device '" + name
                        + "' is not part of SCST's device syntax: not imported"));
                continue;
            }
            String v = a.joined();
            if (cdrom) {
                // SCST's vcdrom: the disc's file, absent, empty or "none" for an empty drive; always read-only, removable
                if (a.keyword().equals("filename")) {
                    if (!v.isEmpty() && !v.equals("none")) {
                        settings.put("image", v);
                    }
                } else {
                    noEquivalent(a, name);
                }
                continue;
            }
            switch (a.keyword()) {
                case "filename" -> {
                    settings.put("filename", v);
                    filenameGiven = true;
                }
                case "blocksize" -> {
                    int bs = integer(a);
                    if (bs == 512 || bs == 4096) {
                        settings.put("block-size", bs);
                    } else {
                        notes.add(ImportNote.atLine(a.line(), "blocksize " + bs + " of '" + name
                                + "': scstj supports 512 and 4096 only; left at the default"));
                    }
                }
                case "read_only" -> settings.put("read-only", flag(a));
                case "write_through" -> {
                    if (blockio) {
                        settings.put("write-through", flag(a));
                    } else if (!nullio) {
                        settings.put("write-back", !flag(a));
                    }
                }
                case "thin_provisioned" -> {
                    if (nullio) {
                        notes.add(ImportNote.atLine(a.line(), "thin_provisioned of vdisk_nullio device '" + name
                                + "': scstj's vdisk_nullio has no thin provisioning: not imported"));
                    } else {
                        settings.put("thin-provisioned", flag(a));
                    }
                }
                case "removable" -> settings.put("removable", flag(a));
                case "size", "size_mb" -> {
                    long bytes = a.keyword().equals("size") ? longValue(a) : longValue(a) * MIB;
                    if (blockio) {
                        notes.add(ImportNote.atLine(a.line(), a.keyword() + " of vdisk_blockio device '" + name
                                + "': the size is the block device's own: not imported"));
                    } else if (!fileio) {
                        settings.put("size", bytes);
                    }
                    // vdisk_fileio: the file's own length is the size; scstj checks they agree, so leave it out
                }
                case "nv_cache" -> {
                    if (blockio) {
                        settings.put("nv-cache", flag(a));
                    } else if (flag(a)) {
                        notes.add(ImportNote.atLine(a.line(), "nv_cache of '" + name + "': SCST then skips the flush of "
                                + "SYNCHRONIZE CACHE and FUA; scstj's " + type + " always honours them: not imported"));
                    }
                }
                case "rotational" -> {
                    if (blockio) {
                        settings.put("rotational", flag(a));
                    } else {
                        noEquivalent(a, name);
                    }
                }
                default -> noEquivalent(a, name);
            }
        }
        if ((fileio || blockio) && !filenameGiven) {
            throw new ImportException(Integer.toString(d.line()), type + " device '" + name + "' has no filename");
        }
        return new ImportedDevice(name, type, supported, settings);
    }

    private void noEquivalent(ScstConfStatement a, String device) {
        notes.add(ImportNote.atLine(a.line(), "attribute '" + a.text() + "' of device '" + device
                + "' has no scstj equivalent: not imported"));
    }

    static String unsupportedHandler(String type, String name) {
        String why = type.startsWith("dev_") ? "scstj has no SCSI pass-through handler" : "scstj has no such handler";
        return type + " device '" + name + "' not imported: " + why
                + "; written commented out, with the LUNs that map it";
    }

    // ---- TARGET_DRIVER / TARGET ----

    private void targetDriver(ScstConfStatement drv) throws ImportException {
        String name = single(drv, "a target driver name");
        if (!name.equals("iscsi")) {
            long n = drv.children().stream().filter(c -> c.keyword().equals("TARGET")).count();
            notes.add(ImportNote.atLine(drv.line(), "target driver '" + name + "' not imported: scstj serves iSCSI only ("
                    + n + " target" + (n == 1 ? "" : "s") + " skipped)"));
            return;
        }
        Chap chap = new Chap("discovery");
        for (ScstConfStatement s : drv.children()) {
            switch (s.keyword()) {
                case "TARGET" -> target(s);
                case "enabled" -> {
                    if (!flag(s)) {
                        notes.add(ImportNote.atLine(s.line(), "the iscsi target driver is disabled (enabled 0); "
                                + "scstj serves its targets when it runs"));
                    }
                }
                case "IncomingUser" -> chap.incoming(s);
                case "OutgoingUser" -> chap.outgoing(s);
                default -> notes.add(ImportNote.atLine(s.line(), "iscsi driver attribute '" + s.text()
                        + "' has no scstj equivalent: not imported"));
            }
        }
        discoveryAuth = chap.credentials();
    }

    private void target(ScstConfStatement t) throws ImportException {
        String name = single(t, "a target name");
        List<ImportedLun> luns = new ArrayList<>();
        List<ImportedGroup> groups = new ArrayList<>();
        Chap chap = new Chap("target '" + name + "'");
        int relTgtId = targets.size() + 1;
        for (ScstConfStatement s : t.children()) {
            switch (s.keyword()) {
                case "LUN" -> lun(s, name, luns);
                case "GROUP" -> groups.add(group(s, name));
                case "IncomingUser" -> chap.incoming(s);
                case "OutgoingUser" -> chap.outgoing(s);
                case "enabled" -> {
                    if (!flag(s)) {
                        notes.add(ImportNote.atLine(s.line(), "target '" + name
                                + "' is disabled (enabled 0); scstj serves every target it is given"));
                    }
                }
                case "rel_tgt_id" -> {
                    if (longValue(s) != relTgtId) {
                        notes.add(ImportNote.atLine(s.line(), "rel_tgt_id " + s.joined() + " of '" + name
                                + "': scstj numbers relative target ports in file order, this target gets " + relTgtId));
                    }
                }
                case "allowed_portal" -> notes.add(ImportNote.atLine(s.line(), "allowed_portal " + s.joined() + " of '"
                        + name + "' not imported: scstj has no per-target portal list (portal groups are by tag); "
                        + "the target is reachable on every portal"));
                default -> notes.add(ImportNote.atLine(s.line(), "target attribute '" + s.text() + "' of '" + name
                        + "' has no scstj equivalent: not imported"));
            }
        }
        targets.add(new ImportedTarget(name, luns, groups, chap.credentials(), List.of()));
    }

    private ImportedGroup group(ScstConfStatement g, String target) throws ImportException {
        String name = single(g, "a group name");
        List<String> initiators = new ArrayList<>();
        List<ImportedLun> luns = new ArrayList<>();
        for (ScstConfStatement s : g.children()) {
            switch (s.keyword()) {
                case "LUN" -> lun(s, target + "' group '" + name, luns);
                case "INITIATOR" -> {
                    String pattern = single(s, "an initiator name or pattern");
                    if (pattern.startsWith("!")) {
                        notes.add(ImportNote.atLine(s.line(), "INITIATOR " + pattern + " in group '" + name
                                + "': scstj has no negated patterns: not imported"));
                    } else if (!initiators.contains(pattern)) {
                        initiators.add(pattern);
                    }
                }
                default -> notes.add(ImportNote.atLine(s.line(), "group attribute '" + s.text() + "' of '" + name
                        + "' has no scstj equivalent: not imported"));
            }
        }
        if (initiators.isEmpty()) {
            notes.add(ImportNote.atLine(g.line(), "group '" + name + "' of '" + target
                    + "' lists no initiator; it matches no one"));
        }
        return new ImportedGroup(name, initiators, luns, null);
    }

    private void lun(ScstConfStatement s, String owner, List<ImportedLun> luns) throws ImportException {
        if (s.values().size() != 2) {
            throw new ImportException(Integer.toString(s.line()), "expected 'LUN <number> <device>', found '" + s.text() + "'");
        }
        int lun;
        try {
            lun = Integer.parseInt(s.values().get(0));
        } catch (NumberFormatException e) {
            throw new ImportException(Integer.toString(s.line()), "LUN number '" + s.values().get(0) + "' is not an integer");
        }
        String device = s.values().get(1);
        if (lun < 0 || lun > 16383) {
            notes.add(ImportNote.atLine(s.line(), "LUN " + lun + " of '" + owner + "' is outside scstj's 0..16383: not imported"));
            return;
        }
        if (!devices.containsKey(device)) {
            notes.add(ImportNote.atLine(s.line(), "LUN " + lun + " of '" + owner + "' names device '" + device
                    + "', which no HANDLER defines: not imported"));
            return;
        }
        if (luns.stream().anyMatch(l -> l.lun() == lun)) {
            notes.add(ImportNote.atLine(s.line(), "LUN " + lun + " of '" + owner + "' is given twice; this one is not imported"));
            return;
        }
        boolean readOnly = false;
        for (ScstConfStatement a : s.children()) {
            if (a.keyword().equals("read_only")) {
                readOnly = flag(a);
            } else {
                notes.add(ImportNote.atLine(a.line(), "LUN attribute '" + a.text() + "' of LUN " + lun + " of '" + owner
                        + "' has no scstj equivalent: not imported"));
            }
        }
        luns.add(new ImportedLun(lun, device, readOnly));
    }

    // ---- DEVICE_GROUP (ALUA) ----

    private void deviceGroup(ScstConfStatement dg) throws ImportException {
        String name = single(dg, "a device group name");
        List<String> devs = new ArrayList<>();
        List<String> tgs = new ArrayList<>();
        for (ScstConfStatement s : dg.children()) {
            if (s.keyword().equals("DEVICE")) {
                devs.add(s.joined());
            } else if (s.keyword().equals("TARGET_GROUP")) {
                tgs.add(s.joined());
            }
        }
        notes.add(ImportNote.atLine(dg.line(), "ALUA device group '" + name + "' (devices " + String.join(", ", devs)
                + "; target groups " + String.join(", ", tgs) + ") not imported: scstj reports one target port group "
                + "per portal group tag, always active/optimized"));
    }

    // ---- values ----

    /** Collects one place's IncomingUser / OutgoingUser; scstj takes one of each. */
    private final class Chap {
        private final String owner;
        private String user;
        private String secret;
        private String targetUser;
        private String targetSecret;

        Chap(String owner) {
            this.owner = owner;
        }

        void incoming(ScstConfStatement s) throws ImportException {
            String[] us = userSecret(s);
            if (user != null) {
                notes.add(ImportNote.atLine(s.line(), "IncomingUser '" + us[0] + "' of " + owner
                        + ": scstj takes one CHAP user per target or group; only '" + user + "' is imported"));
                return;
            }
            user = us[0];
            secret = us[1];
        }

        void outgoing(ScstConfStatement s) throws ImportException {
            String[] us = userSecret(s);
            if (targetUser != null) {
                notes.add(ImportNote.atLine(s.line(), "OutgoingUser '" + us[0] + "' of " + owner
                        + ": only one is possible; '" + targetUser + "' is imported"));
                return;
            }
            targetUser = us[0];
            targetSecret = us[1];
            if (user == null) {
                notes.add(ImportNote.atLine(s.line(), "OutgoingUser of " + owner + " without IncomingUser: scstj's mutual "
                        + "CHAP needs the initiator's credentials as well"));
            }
        }

        ChapCredentials credentials() {
            if (user == null && targetUser == null) {
                return null;
            }
            return new ChapCredentials(user, secret, targetUser, targetSecret);
        }

        private static String[] userSecret(ScstConfStatement s) throws ImportException {
            String v = s.joined().strip();
            int space = v.indexOf(' ');
            if (space < 0) {
                throw new ImportException(Integer.toString(s.line()), s.keyword() + " expects \"<user> <secret>\"");
            }
            return new String[]{v.substring(0, space), v.substring(space + 1).strip()};
        }
    }

    private static String single(ScstConfStatement s, String what) throws ImportException {
        if (s.values().size() != 1) {
            throw new ImportException(Integer.toString(s.line()), s.keyword() + " expects " + what + ", found '"
                    + s.text() + "'");
        }
        return s.values().getFirst();
    }

    private static boolean flag(ScstConfStatement a) throws ImportException {
        if (a.values().isEmpty()) {
            return true; // a bare "nv_cache" sets it
        }
        return switch (a.joined()) {
            case "1", "Y", "y", "yes", "on", "true" -> true;
            case "0", "N", "n", "no", "off", "false" -> false;
            default -> throw new ImportException(Integer.toString(a.line()), a.keyword() + " expects 0 or 1, found '"
                    + a.joined() + "'");
        };
    }

    private static long longValue(ScstConfStatement a) throws ImportException {
        try {
            return Long.parseLong(a.joined());
        } catch (NumberFormatException e) {
            throw new ImportException(Integer.toString(a.line()), a.keyword() + " expects a number, found '" + a.joined() + "'");
        }
    }

    private static int integer(ScstConfStatement a) throws ImportException {
        long v = longValue(a);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new ImportException(Integer.toString(a.line()), a.keyword() + " out of range: " + v);
        }
        return (int) v;
    }
}
