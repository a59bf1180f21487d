package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import org.scstj.mgmt.config.HoconStrings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a configuration document back as HOCON, keys in the order the operator gave them.
 *
 * <p>Order carries meaning in scstj's configuration (the first security group whose pattern
 * matches wins; targets are numbered as relative target ports in file order), and Typesafe
 * Config's own renderer sorts keys. The readers order keys by their origin's line number
 * ({@code ConfigReader.inFileOrder}); this renderer writes them in that same order, and values the
 * admin plane adds are {@link #stamp stamped} with lines after everything already there, so a
 * document written and read again keeps every order.
 */
final class Hocon {
    private Hocon() {
    }

    /** The document as a HOCON file, with a header comment. */
    static String render(Config document, String header) {
        StringBuilder out = new StringBuilder();
        for (String line : header.split("\n")) {
            out.append("# ").append(line).append('\n');
        }
        ConfigObject root = document.root();
        for (String key : ordered(root)) {
            out.append(quoteKey(key)).append(' ');
            value(out, root.get(key), 0);
            out.append('\n');
        }
        return out.toString();
    }

    private static void value(StringBuilder out, ConfigValue v, int indent) {
        switch (v) {
            case ConfigObject o -> {
                if (o.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                for (String key : ordered(o)) {
                    pad(out, indent + 1).append(quoteKey(key)).append(o.get(key) instanceof ConfigObject ? " " : " = ");
                    value(out, o.get(key), indent + 1);
                    out.append('\n');
                }
                pad(out, indent).append('}');
            }
            case ConfigList l -> {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    out.append(i == 0 ? "" : ", ");
                    value(out, l.get(i), indent + 1);
                }
                out.append(']');
            }
            default -> {
                Object u = v.unwrapped();
                if (u instanceof String s) {
                    out.append(quote(s));
                } else {
                    out.append(u); // number, boolean or null
                }
            }
        }
    }

    private static StringBuilder pad(StringBuilder out, int indent) {
        return out.append("  ".repeat(indent));
    }

    /** Keys by the line they came from (then by name): the order the readers use. */
    static List<String> ordered(ConfigObject o) {
        List<String> keys = new ArrayList<>(o.keySet());
        keys.sort(Comparator.comparingInt((String k) -> line(o.get(k))).thenComparing(Comparator.naturalOrder()));
        return keys;
    }

    private static int line(ConfigValue v) {
        ConfigOrigin origin = v.origin();
        return origin == null ? -1 : origin.lineNumber();
    }

    static String quoteKey(String key) {
        return HoconStrings.key(key);
    }

    static String quote(String s) {
        return HoconStrings.quote(s);
    }

    /** The highest line number any value of the document came from. */
    private static int lastLine(ConfigValue v) {
        int max = line(v);
        if (v instanceof ConfigObject o) {
            for (ConfigValue c : o.values()) {
                max = Math.max(max, lastLine(c));
            }
        } else if (v instanceof ConfigList l) {
            for (ConfigValue c : l) {
                max = Math.max(max, lastLine(c));
            }
        }
        return max;
    }

    /**
     * The next line number to stamp on a value the admin plane adds: above every line of every
     * document this process has run ({@link #linesAbove}), so an added value sorts after what is
     * there, and values added later after it. One counter, so that neither a change nor its rebase
     * walks the whole document to find the last line.
     */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_LINE = new java.util.concurrent.atomic.AtomicInteger(1);

    /** Raises the stamping counter above every line of {@code document} (a document read from a file or a request). */
    static void linesAbove(Config document) {
        int last = lastLine(document.root());
        NEXT_LINE.accumulateAndGet(last + 1, Math::max);
    }

    /**
     * A value built from JSON (maps in their JSON order) with every object member stamped with the
     * next lines, in order: added after everything in the document, kept in the order the request
     * gave.
     */
    static ConfigValue stamp(Object json) {
        ConfigOrigin origin = ConfigOriginFactory.newSimple("admin API").withLineNumber(NEXT_LINE.getAndIncrement());
        if (json instanceof Map<?, ?> map) {
            Map<String, ConfigValue> members = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                members.put(String.valueOf(e.getKey()), stamp(e.getValue()));
            }
            ConfigObject o = ConfigValueFactory.fromMap(Map.of(), "admin API");
            for (Map.Entry<String, ConfigValue> e : members.entrySet()) {
                o = o.withValue(e.getKey(), e.getValue());
            }
            return o.withOrigin(origin);
        }
        if (json instanceof List<?> list) {
            List<ConfigValue> items = new ArrayList<>();
            for (Object item : list) {
                items.add(stamp(item));
            }
            return ConfigValueFactory.fromIterable(items, "admin API").withOrigin(origin);
        }
        return ConfigValueFactory.fromAnyRef(json, "admin API").withOrigin(origin);
    }
}
