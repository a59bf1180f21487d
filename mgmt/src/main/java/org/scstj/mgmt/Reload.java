package org.scstj.mgmt;

import com.typesafe.config.Config;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.InvalidConfigException;
import org.scstj.mgmt.config.ScstjConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIGHUP: the daemon reads its configuration file again and applies what can change while it runs,
 * the targets' LUN mappings and security groups ({@link ScsiEngine#reconfigure}): each open session
 * whose initiator now sees other LUNs follows the new mapping and gets REPORTED LUNS DATA HAS
 * CHANGED. Anything else that changed (devices, portals, engine settings, the set of targets) needs
 * a restart: the reload is then refused whole, with the reason in the log, and the running
 * configuration stays. A file with problems is refused the same way (every problem logged).
 */
final class Reload {
    private static final Logger log = LoggerFactory.getLogger(Reload.class);
    /** Where the mappings live; everything outside it must be unchanged for a reload to apply. */
    private static final String TARGETS = "scstj.target-drivers.iscsi.targets";

    private final Path file;
    private final List<DeviceHandlerFactory> handlers;
    private volatile ScstjConfig running;

    Reload(Path file, ScstjConfig running, List<DeviceHandlerFactory> handlers) {
        this.file = file;
        this.running = running;
        this.handlers = handlers;
    }

    /** Traps SIGHUP (when it can) and reloads on each, one at a time, on the signal's thread. */
    void install(ScsiEngine engine) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> apply(engine));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.debug("SIGHUP not trapped: no configuration reload");
        }
    }

    /** Reads the file and applies it; returns what stopped it (empty: applied). */
    synchronized List<String> apply(ScsiEngine engine) {
        log.info("SIGHUP: reloading {}", file);
        ScstjConfig next;
        try {
            next = new ConfigLoader(handlers).load(file);
        } catch (InvalidConfigException e) {
            e.problems().forEach(p -> log.error("reload refused: {}", p));
            return List.of(e.getMessage());
        }
        List<String> problems = needsRestart(running, next);
        if (problems.isEmpty()) {
            try {
                problems = engine.reconfigure(next.engine().targets()).toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                problems = List.of("applying the new mappings failed: " + e);
            }
        }
        if (problems.isEmpty()) {
            running = next;
            log.info("reload applied: {}", Daemon.summary(next));
        } else {
            problems.forEach(p -> log.error("reload refused, the running configuration stays: {}", p));
        }
        return problems;
    }

    /** What changed outside the targets' LUN mappings and groups (only a restart applies those). */
    static List<String> needsRestart(ScstjConfig running, ScstjConfig next) {
        List<String> problems = new ArrayList<>();
        Config a = withoutTargets(running.config());
        Config b = withoutTargets(next.config());
        for (String key : List.of("scstj.handlers", "scstj.state-dir", "scstj.engine", "scstj.target-drivers",
                "scstj.dispatchers", "scstj.target-names", "scstj.target-auth")) {
            boolean inA = a.hasPath(key);
            boolean inB = b.hasPath(key);
            if (inA != inB || inA && !a.getValue(key).equals(b.getValue(key))) {
                problems.add(key + " changed: that needs a restart (a reload applies LUN mappings and groups only)");
            }
        }
        return problems;
    }

    private static Config withoutTargets(Config c) {
        Config out = c.withoutPath(TARGETS);
        // keep the target names: adding or removing a target needs a restart
        if (c.hasPath(TARGETS)) {
            for (String name : c.getObject(TARGETS).keySet()) {
                // and the portal groups and redirect: the iSCSI driver reads them once, at start
                Object portals = true;
                if (c.getObject(TARGETS).get(name) instanceof com.typesafe.config.ConfigObject t) {
                    portals = java.util.Arrays.asList(t.get("portal-groups") == null ? null : t.get("portal-groups").unwrapped(),
                            t.get("redirect") == null ? null : t.get("redirect").unwrapped());
                }
                out = out.withValue("scstj.target-names.\"" + name + "\"",
                        com.typesafe.config.ConfigValueFactory.fromAnyRef(portals));
                out = withAuth(out, name, c.getObject(TARGETS).get(name));
            }
        }
        return out;
    }

    /**
     * The driver reads CHAP credentials (targets' and groups' auth blocks) once at start: a changed
     * secret must not look applied while the old one still logs in, so those changes need a restart.
     */
    private static Config withAuth(Config out, String target, com.typesafe.config.ConfigValue value) {
        if (!(value instanceof com.typesafe.config.ConfigObject t)) {
            return out;
        }
        if (t.containsKey("auth")) {
            out = out.withValue(com.typesafe.config.ConfigUtil.joinPath("scstj", "target-auth", target, "auth"), t.get("auth"));
        }
        if (t.get("groups") instanceof com.typesafe.config.ConfigObject groups) {
            for (String g : groups.keySet()) {
                if (groups.get(g) instanceof com.typesafe.config.ConfigObject group && group.containsKey("auth")) {
                    out = out.withValue(com.typesafe.config.ConfigUtil.joinPath("scstj", "target-auth", target, "groups", g),
                            group.get("auth"));
                }
            }
        }
        return out;
    }

    static boolean reloadable(String source) {
        return source != null && Files.isRegularFile(Path.of(source));
    }
}
