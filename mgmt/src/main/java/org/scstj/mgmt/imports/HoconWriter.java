package org.scstj.mgmt.imports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes an {@link ImportedConfig} as an scstj HOCON configuration (docs/configuration.md):
 * devices by handler (fileio, blockio, nullio, then vcdrom, each in source order), then the
 * iSCSI driver's portals, discovery CHAP and targets in source order. Devices scstj cannot serve, and the LUNs
 * that map them, are written as comments so the operator sees what is missing. Keys that are not
 * plain words (every iSCSI name, names with dots) are quoted; sizes use HOCON's units where exact.
 */
public final class HoconWriter {
    private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final List<String> RESERVED = List.of("true", "false", "null", "yes", "no", "on", "off");
    private static final String[] UNITS = {"T", "G", "M", "K"};
    private static final int[] SHIFTS = {40, 30, 20, 10};

    private final StringBuilder out = new StringBuilder();
    private final Map<String, ImportedDevice> devices = new HashMap<>();
    private int depth;

    private HoconWriter(ImportedConfig config) {
        config.devices().forEach(d -> devices.put(d.name(), d));
    }

    /**
     * @param config   what was imported
     * @param stateDir the value of {@code scstj.state-dir}
     * @param header   comment lines for the top of the file (where it came from), without {@code #}
     */
    public static String write(ImportedConfig config, String stateDir, List<String> header) {
        return new HoconWriter(config).render(config, stateDir, header);
    }

    private String render(ImportedConfig c, String stateDir, List<String> header) {
        header.forEach(h -> line("# " + h));
        if (!c.notes().isEmpty()) {
            line("# " + c.notes().size() + " thing" + (c.notes().size() == 1 ? " has" : "s have")
                    + " no scstj equivalent or changed on the way: see the notes `scstj import` printed.");
        }
        open("scstj");
        line("state-dir = " + quote(stateDir));
        handlers(c.devices());
        open("target-drivers");
        open("iscsi");
        if (!c.portalGroups().isEmpty()) {
            open("portal-groups");
            for (ImportedPortalGroup g : c.portalGroups()) {
                line(key(g.name()) + " { tag = " + g.tag() + ", portals = " + list(g.portals()) + " }");
            }
            close();
        } else if (!c.portals().isEmpty()) {
            line("portals = " + list(c.portals()));
        }
        if (c.discoveryAuth() != null) {
            auth("discovery-auth", c.discoveryAuth());
        }
        open("targets");
        for (ImportedTarget t : c.targets()) {
            target(t);
        }
        close();
        close();
        close();
        close();
        return out.toString();
    }

    private void handlers(List<ImportedDevice> all) {
        Map<String, List<ImportedDevice>> supported = new LinkedHashMap<>();
        for (String type : List.of("vdisk_fileio", "vdisk_blockio", "vdisk_nullio", "vcdrom")) {
            supported.put(type, new ArrayList<>());
        }
        Map<String, List<ImportedDevice>> unsupported = new LinkedHashMap<>();
        for (ImportedDevice d : all) {
            (d.supported() ? supported : unsupported).computeIfAbsent(d.handler(), k -> new ArrayList<>()).add(d);
        }
        open("handlers");
        supported.forEach((type, list) -> {
            if (!list.isEmpty()) {
                open(type);
                list.forEach(d -> line(key(d.name()) + " " + deviceBody(d)));
                close();
            }
        });
        if (!unsupported.isEmpty()) {
            line("# Not served by scstj (see the import notes); kept here for reference:");
            unsupported.forEach((type, list) -> {
                line("# " + key(type) + " {");
                list.forEach(d -> line("#   " + key(d.name()) + " " + deviceBody(d)));
                line("# }");
            });
        }
        close();
    }

    /** The keys in the order they are written; a key not listed here comes after them. */
    private static final List<String> KEY_ORDER = List.of("filename", "image", "size", "block-size",
            "thin-provisioned", "read-only", "write-back", "write-through", "nv-cache", "rotational", "removable");

    private static String deviceBody(ImportedDevice d) {
        List<String> keys = new ArrayList<>(d.settings().keySet());
        keys.sort(java.util.Comparator.comparingInt(k -> KEY_ORDER.contains(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.size()));
        List<String> kv = new ArrayList<>();
        for (String k : keys) {
            kv.add(k + " = " + switch (d.settings().get(k)) {
                case String s -> quote(s);
                case Long bytes -> size(bytes);
                case Object o -> o.toString();
            });
        }
        return kv.isEmpty() ? "{ }" : "{ " + String.join(", ", kv) + " }";
    }

    private void target(ImportedTarget t) {
        open(key(t.name()));
        if (!t.portalGroups().isEmpty()) {
            line("portal-groups = " + list(t.portalGroups().stream().map(HoconWriter::key).toList(), false));
        }
        luns(t.luns());
        if (t.auth() != null) {
            auth("auth", t.auth());
        }
        if (!t.groups().isEmpty()) {
            open("groups");
            for (ImportedGroup g : t.groups()) {
                open(key(g.name()));
                line("initiators = " + list(g.initiators()));
                luns(g.luns());
                if (g.auth() != null) {
                    auth("auth", g.auth());
                }
                close();
            }
            close();
        }
        close();
    }

    private void luns(List<ImportedLun> luns) {
        if (luns.isEmpty()) {
            return;
        }
        open("luns");
        for (ImportedLun l : luns) {
            String mapping = l.readOnly()
                    ? l.lun() + " { device = " + value(l.device()) + ", read-only = true }"
                    : l.lun() + " = " + value(l.device());
            ImportedDevice d = devices.get(l.device());
            if (d != null && !d.supported()) {
                line("# " + mapping + "   # " + d.handler() + ": not served by scstj");
            } else {
                line(mapping);
            }
        }
        close();
    }

    private void auth(String name, ChapCredentials c) {
        List<String> kv = new ArrayList<>();
        if (c.user() != null) {
            kv.add("user = " + quote(c.user()));
            kv.add("secret = " + quote(c.secret()));
        }
        if (c.targetUser() != null) {
            kv.add("target-user = " + quote(c.targetUser()));
            kv.add("target-secret = " + quote(c.targetSecret()));
        }
        line(name + " { chap { " + String.join(", ", kv) + " } }");
    }

    // ---- lexical ----

    /** Bytes with the largest HOCON unit (powers of 1024) that states them exactly: 10G, 512M, 1000. */
    static String size(long bytes) {
        if (bytes > 0) {
            for (int i = 0; i < UNITS.length; i++) {
                if (bytes % (1L << SHIFTS[i]) == 0) {
                    return (bytes >> SHIFTS[i]) + UNITS[i];
                }
            }
        }
        return Long.toString(bytes);
    }

    /** A key: bare when it is one plain word (no dot, which HOCON would read as a path), else quoted. */
    static String key(String k) {
        return org.scstj.mgmt.config.HoconStrings.key(k);
    }

    /** A string value: bare when it is an unambiguous word, else quoted (numbers, booleans, paths). */
    static String value(String v) {
        return PLAIN_VALUE.matcher(v).matches() && !RESERVED.contains(v.toLowerCase(java.util.Locale.ROOT)) ? v : quote(v);
    }

    static String quote(String s) {
        return org.scstj.mgmt.config.HoconStrings.quote(s);
    }

    private static String list(List<String> items) {
        return list(items, true);
    }

    private static String list(List<String> items, boolean quoteThem) {
        return "[" + String.join(", ", quoteThem ? items.stream().map(HoconWriter::quote).toList() : items) + "]";
    }

    private void open(String name) {
        line(name + " {");
        depth++;
    }

    private void close() {
        depth--;
        line("}");
    }

    private void line(String s) {
        out.append("  ".repeat(depth)).append(s).append('\n');
    }
}
