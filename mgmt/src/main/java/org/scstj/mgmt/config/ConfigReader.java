package org.scstj.mgmt.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the readers of one configuration share: the file as written (for locations and key
 * checks), the resolved configuration with module defaults (for values), the raw assignments
 * (for repeats the parser merged away), and the problems found so far.
 */
final class ConfigReader {
    private final String source;
    private final Config parsed;
    private final Config merged;
    private final List<RawKeys.Assignment> assignments;
    private final List<ConfigProblem> problems = new ArrayList<>();

    ConfigReader(String source, Config parsed, Config merged, List<RawKeys.Assignment> assignments) {
        this.source = source;
        this.parsed = parsed;
        this.merged = merged;
        this.assignments = assignments;
    }

    Config merged() {
        return merged;
    }

    List<ConfigProblem> problems() {
        return problems;
    }

    /** Records a problem at {@code path}, located at the deepest part of it the file defines. */
    void problem(List<String> path, String message) {
        ConfigValue v = find(parsed.root(), path, true);
        ConfigOrigin origin = v == null ? null : v.origin();
        int line = origin == null ? -1 : origin.lineNumber();
        String where = origin != null && origin.filename() != null ? origin.filename() : source;
        problems.add(new ConfigProblem(where, line, key(path), message));
    }

    /** Records a problem at an explicit line (a repeat the parsed tree no longer shows). */
    void problemAtLine(List<String> path, int line, String message) {
        problems.add(new ConfigProblem(source, line, key(path), message));
    }

    /** The object the file itself writes at {@code path}, or null. */
    ConfigObject written(List<String> path) {
        return find(parsed.root(), path, false) instanceof ConfigObject o ? o : null;
    }

    /** The resolved value at {@code path} (defaults applied), or null. */
    ConfigValue value(List<String> path) {
        return find(merged.root(), path, false);
    }

    /** Line numbers of each key written directly under {@code path} in the text, by key. */
    Map<String, List<Integer>> rawChildren(List<String> path) {
        Map<String, List<Integer>> lines = new TreeMap<>();
        for (RawKeys.Assignment a : assignments) {
            List<String> p = a.path();
            if (p.size() == path.size() + 1 && p.subList(0, path.size()).equals(path)) {
                lines.computeIfAbsent(p.getLast(), k -> new ArrayList<>()).add(a.line());
            }
        }
        return lines;
    }

    /** The file's line of the value at {@code path}, or -1. */
    int line(List<String> path) {
        ConfigValue v = find(parsed.root(), path, false);
        return v == null ? -1 : v.origin().lineNumber();
    }

    /** The keys of the object at {@code path}, in the order the file writes them. */
    List<String> inFileOrder(List<String> path, Collection<String> keys) {
        return keys.stream()
                .sorted(Comparator.comparingInt((String k) -> line(child(path, k))).thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    static String key(List<String> path) {
        return path.isEmpty() ? "" : ConfigUtil.joinPath(path);
    }

    static List<String> child(List<String> path, String... more) {
        List<String> p = new ArrayList<>(path);
        p.addAll(List.of(more));
        return List.copyOf(p);
    }

    private static ConfigValue find(ConfigObject root, List<String> path, boolean deepestFound) {
        ConfigValue current = root;
        for (String element : path) {
            ConfigValue next = current instanceof ConfigObject o ? o.get(element) : null;
            if (next == null) {
                return deepestFound ? current : null;
            }
            current = next;
        }
        return current;
    }
}
