package org.scstj.transports.iscsi.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.scstj.engine.spi.Names;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which CHAP credentials (RFC 7143 12.1.3) apply to a login, read from the driver's block:
 * {@code chap-algorithms}, {@code discovery-auth { chap {...} }}, {@code targets."<iqn>".auth
 * { chap {...} }} and {@code targets."<iqn>".groups.<g>.auth { chap {...} }}. An initiator in a
 * security group (the first group whose patterns match, as the engine decides LUN sets) uses its
 * group's credentials when the group has some, the target's otherwise. No credentials: AuthMethod
 * None; a group with an empty {@code auth {}} uses None whatever the target says. Every problem
 * is refused at configuration time, never by echoing a secret.
 */
public final class ChapConfig {
    /**
     * A CHAP name travels as a text value (CHAP_N), which RFC 7143 6.1 limits to 255 bytes; the
     * login's text limit ({@code TextParameters.MAX_VALUE_LENGTH}) is the same.
     */
    public static final int MAX_NAME_BYTES = 255;
    private static final Set<String> AUTH_KEYS = Set.of("chap");
    private static final Set<String> CHAP_KEYS = Set.of("user", "secret", "target-user", "target-secret",
            "mutual-required");

    private final List<ChapAlgorithm> algorithms;
    private final ChapCredentials discovery;
    private final Map<String, TargetAuth> targets;

    /** @param own the group has an auth block (credentials null in it: AuthMethod None) */
    private record GroupAuth(Predicate<String> members, boolean own, ChapCredentials credentials) {
    }

    /** @param groups in file order; credentials null for a group without its own */
    private record TargetAuth(ChapCredentials credentials, List<GroupAuth> groups) {
    }

    private ChapConfig(List<ChapAlgorithm> algorithms, ChapCredentials discovery, Map<String, TargetAuth> targets) {
        this.algorithms = algorithms;
        this.discovery = discovery;
        this.targets = targets;
    }

    /** No credentials anywhere: every login uses AuthMethod None. */
    public static ChapConfig none() {
        return new ChapConfig(List.of(ChapAlgorithm.values()).reversed(), null, Map.of());
    }

    /**
     * The algorithms the target accepts. Their order is not a preference: a login uses the first
     * value of the initiator's CHAP_A list found here (RFC 7143 6.2.1).
     */
    public List<ChapAlgorithm> algorithms() {
        return algorithms;
    }

    /**
     * The credentials a login must present, or null for AuthMethod None.
     *
     * @param targetName ignored for a discovery session
     */
    public ChapCredentials credentials(String targetName, String initiatorName, boolean discovery) {
        if (discovery) {
            return this.discovery;
        }
        TargetAuth t = targetName == null ? null : targets.get(Names.canonical(targetName));
        if (t == null) {
            return null;
        }
        for (GroupAuth g : t.groups) {
            if (g.members.test(initiatorName)) {
                return g.own ? g.credentials : t.credentials;
            }
        }
        return t.credentials;
    }

    // ---- reading ----

    /** Reads the driver block (reference defaults merged); throws {@link ConfigException} at the key at fault. */
    public static ChapConfig from(com.typesafe.config.Config block) {
        List<ChapAlgorithm> algorithms = algorithms(block);
        Map<ChapCredentials, ConfigOrigin> origins = new IdentityHashMap<>(); // of each target-secret
        ChapCredentials discovery = null;
        if (block.hasPath("discovery-auth")) {
            discovery = auth(block.root().get("discovery-auth"), "discovery-auth", origins);
        }
        Map<String, TargetAuth> targets = new HashMap<>();
        if (block.root().get("targets") instanceof ConfigObject all) {
            for (Map.Entry<String, ConfigValue> e : all.entrySet()) {
                if (e.getValue() instanceof ConfigObject target) { // the mgmt TargetReader reports other shapes
                    String path = ConfigUtil.joinPath("targets", e.getKey());
                    ChapCredentials own = target.containsKey("auth")
                            ? auth(target.get("auth"), path + ".auth", origins) : null;
                    List<GroupAuth> groups = groups(target.get("groups"), path + ".groups", origins);
                    if (own != null || groups.stream().anyMatch(g -> g.credentials != null)) { // else: None for all
                        targets.put(Names.canonical(e.getKey()), new TargetAuth(own, groups));
                    }
                }
            }
        }
        ChapConfig config = new ChapConfig(algorithms, discovery, Map.copyOf(targets));
        noSecretInBothRoles(origins);
        return config;
    }

    /**
     * RFC 7143 12.1.3: a secret used to authenticate initiators must not authenticate a target,
     * anywhere in the configuration (else one login's challenge answered by the target could be
     * replayed as an initiator's response).
     */
    private static void noSecretInBothRoles(Map<ChapCredentials, ConfigOrigin> all) {
        for (Map.Entry<ChapCredentials, ConfigOrigin> e : all.entrySet()) {
            ChapCredentials target = e.getKey();
            if (target.targetSecret() == null) {
                continue;
            }
            for (ChapCredentials initiator : all.keySet()) {
                if (initiator.secret().equals(target.targetSecret())) {
                    throw new ConfigException.BadValue(e.getValue(), "target-secret",
                            "the target secret of CHAP user " + target.targetUser() + " is also the initiator secret of "
                                    + initiator.user() + ": a secret serves one direction only (RFC 7143 12.1.3)");
                }
            }
        }
    }

    private static List<ChapAlgorithm> algorithms(com.typesafe.config.Config block) {
        if (!block.hasPath("chap-algorithms")) {
            return none().algorithms;
        }
        ConfigValue v = block.getValue("chap-algorithms");
        if (v.valueType() != ConfigValueType.LIST) {
            throw bad(v, "chap-algorithms", "expected a list of SHA3-256, SHA-256, SHA-1, MD5");
        }
        List<ChapAlgorithm> out = new ArrayList<>();
        for (Object o : (List<?>) v.unwrapped()) {
            ChapAlgorithm a = o instanceof String s ? ChapAlgorithm.byName(s) : null;
            if (a == null) {
                throw bad(v, "chap-algorithms", "unknown algorithm " + o + " (known: SHA3-256, SHA-256, SHA-1, MD5)");
            }
            if (out.contains(a)) {
                throw bad(v, "chap-algorithms", a.configName() + " listed twice");
            }
            out.add(a);
        }
        if (out.isEmpty()) {
            throw bad(v, "chap-algorithms", "at least one algorithm (RFC 7143 12.1.3 requires MD5 support)");
        }
        return List.copyOf(out);
    }

    private static List<GroupAuth> groups(ConfigValue v, String path, Map<ChapCredentials, ConfigOrigin> origins) {
        if (!(v instanceof ConfigObject groups)) {
            return List.of();
        }
        // file order decides which group an initiator is in (the engine's rule): sort by line
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(groups.entrySet());
        entries.sort((a, b) -> Integer.compare(a.getValue().origin().lineNumber(), b.getValue().origin().lineNumber()));
        List<GroupAuth> out = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : entries) {
            if (!(e.getValue() instanceof ConfigObject group)) {
                continue;
            }
            List<String> patterns = new ArrayList<>();
            if (group.get("initiators") instanceof ConfigValue list && list.valueType() == ConfigValueType.LIST) {
                for (Object o : (List<?>) list.unwrapped()) {
                    if (o instanceof String s) {
                        patterns.add(s);
                    }
                }
            }
            String groupPath = path + "." + ConfigUtil.joinPath(e.getKey());
            boolean own = group.containsKey("auth");
            ChapCredentials c = own ? auth(group.get("auth"), groupPath + ".auth", origins) : null;
            out.add(new GroupAuth(Names.matcher(patterns), own, c));
        }
        return List.copyOf(out);
    }

    /** {@code auth { chap { ... } }}; an empty auth block means AuthMethod None (null). */
    private static ChapCredentials auth(ConfigValue v, String path, Map<ChapCredentials, ConfigOrigin> origins) {
        if (!(v instanceof ConfigObject auth)) {
            throw bad(v, path, "expected an object { chap { user = ..., secret = ... } }");
        }
        unknownKeys(auth, path, AUTH_KEYS);
        ConfigValue chap = auth.get("chap");
        if (chap == null) {
            return null;
        }
        String chapPath = path + ".chap";
        if (!(chap instanceof ConfigObject c)) {
            throw bad(chap, chapPath, "expected an object { user = ..., secret = ... }");
        }
        unknownKeys(c, chapPath, CHAP_KEYS);
        String user = name(c, chapPath, "user");
        ChapSecret secret = secret(c, chapPath, "secret");
        if (user == null) {
            throw bad(c, chapPath + ".user", "missing: the CHAP_N the initiator logs in with");
        }
        if (secret == null) {
            throw bad(c, chapPath + ".secret", "missing: a CHAP user needs a secret");
        }
        String targetUser = name(c, chapPath, "target-user");
        ChapSecret targetSecret = secret(c, chapPath, "target-secret");
        if (targetUser != null && targetSecret == null) {
            throw bad(c, chapPath + ".target-secret", "missing: target-user needs a target-secret");
        }
        if (targetUser == null && targetSecret != null) {
            throw bad(c.get("target-secret"), chapPath + ".target-user", "missing: target-secret needs a target-user");
        }
        if (targetSecret != null && targetSecret.equals(secret)) {
            throw bad(c.get("target-secret"), chapPath + ".target-secret",
                    "must differ from secret: the same secret in both directions lets a reflected challenge "
                            + "authenticate (RFC 7143 12.1.3)");
        }
        boolean mutualRequired = false;
        ConfigValue m = c.get("mutual-required");
        if (m != null) {
            if (m.valueType() != ConfigValueType.BOOLEAN) {
                throw bad(m, chapPath + ".mutual-required", "expected true or false");
            }
            mutualRequired = (Boolean) m.unwrapped();
            if (mutualRequired && targetUser == null) {
                throw bad(m, chapPath + ".mutual-required", "needs target-user and target-secret");
            }
        }
        ChapCredentials credentials = new ChapCredentials(user, secret, targetUser, targetSecret, mutualRequired);
        origins.put(credentials, (targetSecret != null ? c.get("target-secret") : c).origin());
        return credentials;
    }

    private static String name(ConfigObject c, String path, String key) {
        ConfigValue v = c.get(key);
        if (v == null) {
            return null;
        }
        if (v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isEmpty()) {
            throw bad(v, path + "." + key, "expected a non-empty string");
        }
        String s = (String) v.unwrapped();
        if (s.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw bad(v, path + "." + key, "at most " + MAX_NAME_BYTES + " bytes (RFC 7143 6.1)");
        }
        return s;
    }

    /** Never puts the value in a message. */
    private static ChapSecret secret(ConfigObject c, String path, String key) {
        ConfigValue v = c.get(key);
        if (v == null) {
            return null;
        }
        if (v.valueType() != ConfigValueType.STRING) {
            throw bad(v, path + "." + key, "expected a string");
        }
        ChapSecret s = ChapSecret.of((String) v.unwrapped());
        if (s.length() < ChapSecret.MIN_BYTES) {
            throw bad(v, path + "." + key, "too short: at least " + ChapSecret.MIN_BYTES
                    + " bytes (RFC 7143 12.1.3, RFC 3723)");
        }
        if (s.length() > ChapSecret.MAX_BYTES) {
            throw bad(v, path + "." + key, "too long: at most " + ChapSecret.MAX_BYTES + " bytes");
        }
        return s;
    }

    private static void unknownKeys(ConfigObject o, String path, Set<String> known) {
        for (String key : o.keySet()) {
            if (!known.contains(key)) {
                throw bad(o.get(key), path + "." + key,
                        "unknown key (known here: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static ConfigException bad(ConfigValue at, String path, String why) {
        return new ConfigException.BadValue(at.origin(), path, why);
    }
}
