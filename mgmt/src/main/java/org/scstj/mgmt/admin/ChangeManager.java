package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.InvalidConfigException;
import org.scstj.mgmt.config.ScstjConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Every change to the running daemon goes through here, as one transaction:
 * <ol>
 *   <li>the objects it touches are locked (one lock per top-level object: a device, a target, the
 *       driver's settings; changes to other objects run at the same time); a whole-file apply
 *       locks out every other change;</li>
 *   <li>a stale generation given by the client is refused (409);</li>
 *   <li>the edited document is validated whole, exactly as a file at start (422 naming every key
 *       at fault), and compared with the running one ({@link Plan}); what needs a restart or would
 *       disrupt a session without leave is refused (409);</li>
 *   <li>device steps run (add, live attributes, resize), each undone if a later step fails;</li>
 *   <li>the commit, one at a time: the edit is re-applied to the latest document (another change
 *       may have committed meanwhile), the engine's targets and the driver's settings are brought
 *       to it, and the file is written; then the new state is published and generations bumped;</li>
 *   <li>devices the change removed are closed (their LUNs are already unmapped).</li>
 * </ol>
 * A request that fails changes nothing: everything done before the failure is undone.
 */
final class ChangeManager {
    private static final Logger log = LoggerFactory.getLogger(ChangeManager.class);
    private static final long LIVE_SECONDS = 60;
    private static final long LOCK_SECONDS = 30;

    /** The running configuration: its document, as validated, at a revision. */
    record State(long revision, Config document, ScstjConfig config) {
    }

    /** An edit of the document; it may refuse with the client's error. Pure: it may run twice. */
    interface Edit {
        Config apply(Config document, ScstjConfig running) throws ApiException;
    }

    /**
     * How to carry a change out.
     *
     * @param allowDisruptive a step may close a session or take a LUN away from one
     * @param dryRun          validate and plan only
     * @param expected        generations the client read, by object path; a different current one is 409
     * @param force           a resize may shrink a device past data in use
     * @param persist         write the file afterwards (not when the change came from the file: SIGHUP)
     */
    record Options(boolean allowDisruptive, boolean dryRun, Map<String, Long> expected, boolean force, boolean persist) {
        /** A change asked for through the API: written to the file. */
        static Options api(boolean dryRun, Map<String, Long> expected, boolean force) {
            return new Options(true, dryRun, expected, force, true);
        }
    }

    /** The cluster's configuration authority as the change machinery sees it (docs/design/cluster.md 5.3). */
    interface Proposer {
        /** Proposes {@code text} as the cluster-wide document after {@code base}; blocks until every node or none applied it. */
        org.scstj.cluster.config.ConfigAuthority.Outcome propose(long base, String text, boolean allowDisruptive,
                                                                 boolean force) throws ApiException;
    }

    /** What a change did (or, dry, would do). */
    record Result(long revision, List<Plan.Step> steps, boolean applied, List<String> warnings) {
    }

    private final ConfigLoader loader;
    private final Map<String, DeviceHandlerFactory> handlers;
    private final Live live;
    private final ConfigStore store;
    private final String source;
    private volatile State state;
    private final Map<String, Long> generations = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock whole = new ReentrantReadWriteLock();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Object commit = new Object();
    /** In a cluster: where a change of the cluster-wide part is proposed (null on a single node). */
    private volatile Proposer cluster;
    /** In a cluster: the revision of the cluster-wide document this node runs (0: none applied yet). */
    private volatile long clusterRevision;

    ChangeManager(ConfigLoader loader, List<DeviceHandlerFactory> handlers, Live live, ConfigStore store,
                  String source, Config document, ScstjConfig running) {
        this.loader = loader;
        Map<String, DeviceHandlerFactory> byType = new java.util.TreeMap<>();
        handlers.forEach(h -> byType.putIfAbsent(h.type(), h));
        this.handlers = Map.copyOf(byType);
        this.live = live;
        this.store = store;
        this.source = source;
        this.state = new State(1, document, running);
        Hocon.linesAbove(document);
    }

    State state() {
        return state;
    }

    Map<String, DeviceHandlerFactory> handlers() {
        return handlers;
    }

    ConfigStore store() {
        return store;
    }

    Live live() {
        return live;
    }

    /** The generation of an object (an API path): the revision that last changed it, 1 if none has. */
    long generation(String path) {
        return generations.getOrDefault(path, 1L);
    }

    /** A change to the objects named (top-level API paths, the lock set) made by {@code edit}. */
    Result change(Collection<String> objects, Edit edit, Options options) throws ApiException {
        if (cluster != null && !options.dryRun()) {
            Result r = clusterChange(edit, options);
            if (r != null) {
                return r;
            }
        }
        Lock shared = whole.readLock();
        lockOrBusy(shared);
        try {
            List<Lock> held = lockAll(objects);
            try {
                return run(edit, options);
            } finally {
                held.reversed().forEach(Lock::unlock);
            }
        } finally {
            shared.unlock();
        }
    }

    /** Replaces the whole document (apply of a file, SIGHUP): no other change runs meanwhile. */
    Result replace(Config document, Options options) throws ApiException {
        notEmpty(document);
        Hocon.linesAbove(document);
        if (cluster != null && !options.dryRun()) {
            Result r = clusterChange((doc, running) -> document, options);
            if (r != null) {
                return r;
            }
        }
        return replaceHere(document, options);
    }

    /** Replaces the whole document on this node only. */
    private Result replaceHere(Config document, Options options) throws ApiException {
        Lock exclusive = whole.writeLock();
        lockOrBusy(exclusive);
        try {
            return run((doc, running) -> document, options);
        } finally {
            exclusive.unlock();
        }
    }

    /** The plan of replacing the document, without changing anything. */
    Result plan(Config document) throws ApiException {
        notEmpty(document);
        State s = state;
        Prepared p = prepare(s, (doc, running) -> document);
        return new Result(s.revision(), p.plan.steps, false, List.of());
    }

    /**
     * A whole configuration with no device and no target is refused (bad-inputs row 33): applying
     * it would end every session and close every device, which a truncated or wrong file must never
     * do. Objects are removed one by one through the API instead.
     */
    private void notEmpty(Config document) throws ApiException {
        boolean devices = document.hasPath(Edits.HANDLERS) && document.getObject(Edits.HANDLERS).values().stream()
                .anyMatch(h -> h instanceof com.typesafe.config.ConfigObject o && !o.isEmpty());
        boolean targets = document.hasPath(Edits.TARGETS) && !document.getObject(Edits.TARGETS).isEmpty();
        if (!devices && !targets && !state.config().engine().devices().isEmpty()) {
            throw new ApiException(422, "the configuration has no device and no target: an empty configuration is"
                    + " never applied over a running one (remove objects one by one instead)",
                    List.of(new ApiException.Problem("body", "empty configuration")));
        }
    }

    private record Prepared(Config document, ScstjConfig next, Plan plan) {
    }

    private Prepared prepare(State s, Edit edit) throws ApiException {
        Config doc = edit.apply(s.document(), s.config());
        ScstjConfig next = withSizes(s, validate(validationView(s, doc)), doc);
        Plan plan = Plan.between(s.config(), next, handlers, sessions());
        return new Prepared(doc, next, plan);
    }

    private Result run(Edit edit, Options options) throws ApiException {
        State s = state;
        checkExpected(options);
        Prepared p = prepare(s, edit);
        Plan plan = p.plan;
        policy(plan, options);
        if (options.dryRun() || plan.isEmpty()) {
            return new Result(s.revision(), plan.steps, false, List.of());
        }
        Deque<Undo> undo = new ArrayDeque<>();
        try {
            devicesBefore(plan, undo, options.force());
            State committed = commit(s, edit, p, plan, undo, options.persist());
            List<String> warnings = devicesAfter(plan);
            log.info("admin: revision {} applied: {}", committed.revision(), plan.steps.stream()
                    .map(st -> st.action() + " " + st.object()).toList());
            return new Result(committed.revision(), plan.steps, true, warnings);
        } catch (ApiException | RuntimeException e) {
            rollback(undo);
            throw e;
        }
    }

    private void checkExpected(Options options) throws ApiException {
        for (Map.Entry<String, Long> e : options.expected().entrySet()) {
            long current = generation(e.getKey());
            if (current != e.getValue()) {
                throw new ApiException(409, e.getKey() + " is at generation " + current + ", not "
                        + e.getValue() + ": it changed since it was read; read it again",
                        List.of(new ApiException.Problem("generation", "stale: " + e.getValue() + " < " + current)));
            }
        }
    }

    // ---- cluster-wide configuration (docs/design/cluster.md 5.3) -------------------------------

    /** The file, in the state directory, that keeps the cluster revision this node's document is at. */
    static final String REVISION_FILE = "cluster-config.revision";
    private static final int STALE_RETRIES = 2;

    /**
     * From now on a change of the cluster-wide part ({@link ClusterDocument}) is proposed through
     * {@code proposer} and applies on every node or on none; a change of node-local keys only stays
     * on this node. Call once, before the admin API serves.
     */
    void clusterMode(Proposer proposer) {
        clusterRevision = readRevision();
        cluster = proposer;
    }

    /** The cluster revision this node's document is at (0 before any cluster-wide change). */
    long clusterRevision() {
        return clusterRevision;
    }

    /**
     * A change through the cluster's authority, or null when it leaves the cluster-wide part alone
     * (then it is this node's own, applied here only). A change of node-local and cluster-wide keys
     * at once is refused: they go to different places. A stale base (another node's change came
     * first) re-applies the edit to the newer document and proposes again.
     */
    private Result clusterChange(Edit edit, Options options) throws ApiException {
        for (int attempt = 0; ; attempt++) {
            State s = state;
            long base = clusterRevision;
            checkExpected(options);
            Prepared p = prepare(s, edit);
            if (ClusterDocument.sameClusterPart(s.document(), p.document)) {
                return null;
            }
            if (!ClusterDocument.sameNodePart(s.document(), p.document)) {
                throw new ApiException(409, "the change touches node-local keys (" + String.join(", ",
                        ClusterDocument.NODE_LOCAL) + ") and cluster-wide keys at once: apply them separately",
                        List.of(new ApiException.Problem("body", "node-local and cluster-wide keys in one change")));
            }
            policy(p.plan, options);
            org.scstj.cluster.config.ConfigAuthority.Outcome o = cluster.propose(base, ClusterDocument.text(p.document),
                    options.allowDisruptive(), options.force());
            switch (o.kind()) {
                case COMMITTED -> {
                    log.info("admin: cluster revision {} committed: {}", o.revision(), o.message());
                    return new Result(state.revision(), p.plan.steps, true, List.of());
                }
                case STALE -> {
                    if (attempt >= STALE_RETRIES || !awaitRevision(o.revision())) {
                        throw new ApiException(409, o.message() + ": this node is at " + clusterRevision
                                + "; read again and retry", List.of(new ApiException.Problem("revision",
                                "stale: " + base + " < " + o.revision())));
                    }
                }
                case REFUSED -> throw new ApiException(o.status(), "nothing was changed on any node: " + o.message(),
                        List.of(new ApiException.Problem(o.node().isEmpty() ? "cluster" : "node " + o.node(), o.message())));
            }
        }
    }

    /** Waits (bounded) until this node committed {@code revision}; false if it did not. */
    private boolean awaitRevision(long revision) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (clusterRevision < revision && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return clusterRevision >= revision;
    }

    private long readRevision() {
        java.nio.file.Path f = state.config().engine().stateDir().resolve(REVISION_FILE);
        try {
            return java.nio.file.Files.exists(f) ? Long.parseLong(java.nio.file.Files.readString(f).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            log.warn("cluster configuration: cannot read {}: {}; taken as revision 0", f, e.toString());
            return 0;
        }
    }

    private void writeRevision(long revision) {
        clusterRevision = revision;
        java.nio.file.Path f = state.config().engine().stateDir().resolve(REVISION_FILE);
        java.nio.file.Path tmp = f.resolveSibling("." + REVISION_FILE + ".tmp");
        try {
            java.nio.file.Files.createDirectories(f.getParent());
            java.nio.file.Files.writeString(tmp, revision + "\n");
            java.nio.file.Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.error("cluster configuration: cannot write {}: {}", f, e.toString());
        }
    }

    /** This node's side of the authority's two phases, one call at a time on one thread (it holds the lock between them). */
    org.scstj.cluster.config.ConfigParticipant participant() {
        return participant;
    }

    private final Participant participant = new Participant();

    private final class Participant implements org.scstj.cluster.config.ConfigParticipant {
        private final java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> {
                    Thread t = new Thread(r, "cluster-config");
                    t.setDaemon(true);
                    return t;
                });
        /** The prepared change, held on {@link #thread} with the whole-document lock, or null. */
        private Pending pending;

        private record Pending(long revision, State base, Edit edit, Prepared prepared, Deque<Undo> undo, Lock lock) {
        }

        @Override
        public CompletionStage<Vote> prepare(long revision, String text, boolean allowDisruptive, boolean force) {
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                if (pending != null) {
                    return new Vote(409, "revision " + pending.revision() + " is still prepared");
                }
                Lock exclusive = whole.writeLock();
                Deque<Undo> undo = new ArrayDeque<>();
                try {
                    lockOrBusy(exclusive);
                } catch (ApiException e) {
                    return new Vote(e.status(), e.getMessage());
                }
                try {
                    State s = state;
                    Config doc = ClusterDocument.compose(s.document(), text);
                    Hocon.linesAbove(doc);
                    Edit edit = (d, running) -> doc;
                    Prepared p = ChangeManager.this.prepare(s, edit);
                    policy(p.plan, new Options(allowDisruptive, false, Map.of(), force, true));
                    devicesBefore(p.plan, undo, force);
                    pending = new Pending(revision, s, edit, p, undo, exclusive);
                    log.info("cluster configuration: revision {} prepared: {}", revision, p.plan.steps.stream()
                            .map(st -> st.action() + " " + st.object()).toList());
                    return Vote.yes();
                } catch (ApiException | RuntimeException e) {
                    rollback(undo);
                    exclusive.unlock();
                    int status = e instanceof ApiException a ? a.status() : 500;
                    String why = e.getMessage();
                    if (e instanceof ApiException a) { // problems the message does not already name
                        for (ApiException.Problem x : a.problems()) {
                            if (!why.contains(x.problem())) {
                                why += "; " + x.field() + ": " + x.problem();
                            }
                        }
                    }
                    log.warn("cluster configuration: revision {} refused here: {}", revision, why);
                    return new Vote(status, why);
                }
            }, thread);
        }

        @Override
        public CompletionStage<Void> commit(long revision) {
            return java.util.concurrent.CompletableFuture.runAsync(() -> {
                Pending p = pending;
                if (p == null || p.revision() != revision) {
                    return;
                }
                pending = null;
                try {
                    Plan plan = p.prepared().plan;
                    if (!plan.isEmpty()) {
                        State committed = ChangeManager.this.commit(p.base(), p.edit(), p.prepared(), plan, p.undo(), true);
                        devicesAfter(plan);
                        log.info("cluster configuration: revision {} applied as local revision {}", revision,
                                committed.revision());
                    }
                    writeRevision(revision);
                } catch (ApiException | RuntimeException e) {
                    // phase 1 validated it here: a commit failing is a fault of this node (design 5.3)
                    rollback(p.undo());
                    log.error("cluster configuration: revision {} committed by the cluster FAILED here: {};"
                            + " this node stops serving (started again, it applies it first)", revision, e.getMessage());
                    ClusterControl control = live.cluster();
                    if (control != null) {
                        control.configurationLost("revision " + revision + ": " + e.getMessage());
                    }
                } finally {
                    p.lock().unlock();
                }
            }, thread);
        }

        @Override
        public CompletionStage<Void> abort(long revision) {
            return java.util.concurrent.CompletableFuture.runAsync(() -> {
                Pending p = pending;
                if (p == null || p.revision() != revision) {
                    return;
                }
                pending = null;
                try {
                    rollback(p.undo());
                    log.info("cluster configuration: revision {} aborted: undone here", revision);
                } finally {
                    p.lock().unlock();
                }
            }, thread);
        }

        /** A joining node: the cluster's document at {@code revision}, applied here only if newer than this node's. */
        Result catchUp(long revision, String text) throws ApiException {
            try {
                return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        if (revision <= clusterRevision) {
                            return null;
                        }
                        State s = state;
                        Config doc = ClusterDocument.compose(s.document(), text);
                        Result r = ClusterDocument.sameClusterPart(s.document(), doc) ? null
                                : replaceHere(doc, new Options(true, false, Map.of(), false, true));
                        writeRevision(revision);
                        return r;
                    } catch (ApiException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, thread).get(LIVE_SECONDS * 2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof ApiException a ? a : new ApiException(500, String.valueOf(e.getCause()));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new ApiException(504, "applying the cluster's configuration timed out");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "interrupted");
            }
        }
    }

    /**
     * A node that starts or joins: the cluster's document (revision, cluster-wide text), applied
     * through the same plan as a reload when it is newer than this node's; null when nothing changed.
     */
    Result catchUp(long revision, String text) throws ApiException {
        return participant.catchUp(revision, text);
    }

    private void policy(Plan plan, Options options) throws ApiException {
        List<Plan.Step> restart = plan.restartSteps();
        if (!restart.isEmpty()) {
            throw new ApiException(409, "needs a restart: " + restart.stream().map(Plan.Step::object).toList(),
                    restart.stream().map(st -> new ApiException.Problem(st.object(), st.detail())).toList());
        }
        for (Plan.DeviceChange c : plan.changedDevices) {
            if (c.replace() && (mapped(plan.from, c.from().name()) || mapped(plan.to, c.to().name()))) {
                throw new ApiException(409, "device " + c.to().name() + ": a key that cannot change while it runs"
                        + " changed, and the device is mapped: unmap it (or remove and add it) first",
                        List.of(new ApiException.Problem(Paths.device(c.to().name()), "not live: mapped")));
            }
        }
        if (plan.disruptive() && !options.allowDisruptive()) {
            List<Plan.Step> d = plan.steps.stream().filter(Plan.Step::disruptive).toList();
            throw new ApiException(409, "disruptive (allow it with allow-disruptive): "
                    + d.stream().map(st -> st.action() + " " + st.object() + " (" + st.detail() + ")").toList(),
                    d.stream().map(st -> new ApiException.Problem(st.object(), "disruptive: " + st.detail())).toList());
        }
    }

    /** Steps that need no other object: new devices, live attributes, resizes (each with its undo). */
    private void devicesBefore(Plan plan, Deque<Undo> undo, boolean force) throws ApiException {
        for (DeviceSpec d : plan.addedDevices) {
            await("adding device " + d.name(), live.addDevice(d));
            undo.push(() -> live.removeDevice(d.name()));
        }
        for (Plan.DeviceChange c : plan.changedDevices) {
            String name = c.to().name();
            if (c.replace()) { // unmapped before and after (policy)
                await("removing device " + name + " to re-add it", live.removeDevice(name));
                undo.push(() -> live.addDevice(c.from()));
                await("re-adding device " + name, live.addDevice(c.to()));
                undo.push(() -> live.removeDevice(name));
                continue;
            }
            if (!c.live().isEmpty()) {
                Config old = oldValues(c);
                await("changing device " + name, live.setDeviceAttributes(name, c.live()));
                undo.push(() -> live.setDeviceAttributes(name, old));
            }
            if (c.medium() != null) {
                String old = currentMedium(c);
                await((c.medium().isPresent() ? "loading a medium into " : "ejecting the medium of ") + name,
                        live.changeMedium(name, c.medium().orElse(null), force));
                undo.push(() -> live.changeMedium(name, old, true));
            }
            if (c.resizeTo() != null) {
                long before = c.from().config().hasPath("size") ? c.from().config().getBytes("size")
                        : live.devices().get(name) == null ? -1
                        : live.devices().get(name).blockCount() * live.devices().get(name).blockSize();
                await("resizing device " + name, live.resizeDevice(name, c.resizeTo(), force));
                if (before > 0) {
                    undo.push(() -> live.resizeDevice(name, before, true));
                }
            }
        }
    }

    /** The medium the device had before the change (its handler's medium attribute), or null. */
    private String currentMedium(Plan.DeviceChange c) {
        DeviceHandlerFactory h = handlers.get(c.from().handlerType());
        String key = h == null ? null : h.mediumAttribute();
        return key != null && c.from().config().hasPath(Edits.q(key)) ? c.from().config().getString(Edits.q(key)) : null;
    }

    private static Config oldValues(Plan.DeviceChange c) {
        Config old = com.typesafe.config.ConfigFactory.empty();
        for (String k : c.live().root().keySet()) {
            String path = ConfigUtil.quoteString(k);
            if (c.from().config().hasPath(path)) {
                old = old.withValue(path, c.from().config().getValue(path));
            }
        }
        return old;
    }

    /** One at a time: rebase, bring the engine's targets and the driver to the document, write it, publish. */
    private State commit(State s, Edit edit, Prepared p, Plan plan, Deque<Undo> undo, boolean persist)
            throws ApiException {
        synchronized (commit) {
            State current = state;
            Config doc = p.document;
            ScstjConfig next = p.next;
            boolean resized = plan.changedDevices.stream().anyMatch(c -> c.resizeTo() != null);
            if (current != s) {
                doc = edit.apply(current.document(), current.config());
            }
            if (current != s || resized) {
                next = validate(doc); // the devices now have their new sizes
            }
            ScstjConfig before = current.config();
            for (String t : plan.removedTargets) {
                await("closing the sessions of " + t, live.closeSessions(t));
            }
            if (!before.engine().targets().equals(next.engine().targets())) {
                List<TargetSpec> old = before.engine().targets();
                problems("applying the LUN mappings", live.reconfigureTargets(next.engine().targets()));
                undo.push(() -> live.reconfigureTargets(old).thenApply(x -> null));
            }
            if (!Plan.driverView(before.iscsi()).equals(Plan.driverView(next.iscsi()))) {
                Config old = before.iscsi();
                problems("applying the iSCSI settings", live.reconfigureDriver(next.iscsi()));
                undo.push(() -> live.reconfigureDriver(old).thenApply(x -> null));
            }
            if (!before.engine().alua().equals(next.engine().alua())) {
                org.scstj.engine.model.AluaSpec old = before.engine().alua();
                await("applying scstj.alua", live.reconfigureAlua(next.engine().alua()));
                undo.push(() -> live.reconfigureAlua(old));
            }
            if (store != null && persist) {
                try {
                    store.write(doc, header());
                } catch (IOException e) {
                    log.error("admin: cannot write {}: {}", store.file(), e.toString());
                    throw new ApiException(500, "the change was not applied: cannot write " + store.file() + ": "
                            + e.getMessage());
                }
            }
            State committed = new State(current.revision() + 1, doc, next);
            for (Plan.Step st : plan.steps) {
                bump(st.object(), committed.revision());
            }
            state = committed;
            return committed;
        }
    }

    /** Removed devices are closed once no LUN maps them (the commit unmapped them). */
    private List<String> devicesAfter(Plan plan) {
        List<String> warnings = new ArrayList<>();
        for (DeviceSpec d : plan.removedDevices) {
            try {
                await("removing device " + d.name(), live.removeDevice(d.name()));
            } catch (ApiException e) {
                log.error("admin: {}", e.getMessage());
                warnings.add(e.getMessage());
            }
        }
        return warnings;
    }

    private void bump(String object, long revision) {
        String path = object;
        while (path.length() > Paths.API.length()) {
            generations.put(path, revision);
            int cut = path.lastIndexOf('/');
            String parent = path.substring(0, cut);
            // stop at collections (/api/v1/devices): the object is the one below
            if (parent.chars().filter(ch -> ch == '/').count() <= 3) {
                break;
            }
            path = parent;
        }
    }

    /** Devices being resized are validated at their running size (a file not yet grown would not fit). */
    private Config validationView(State s, Config doc) {
        Config view = doc;
        for (Map.Entry<String, String[]> e : resized(s.document(), doc).entrySet()) {
            view = view.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()[0]));
        }
        return view;
    }

    /** The validated view with the sizes the document asks for (the plan resizes those devices). */
    private static ScstjConfig withSizes(State s, ScstjConfig view, Config doc) {
        Map<String, String[]> resized = resized(s.document(), doc);
        if (resized.isEmpty()) {
            return view;
        }
        Map<String, Object> sizeByDevice = new java.util.HashMap<>();
        for (String[] r : resized.values()) {
            sizeByDevice.put(r[1], doc.getValue(r[2]).unwrapped());
        }
        List<DeviceSpec> devices = new ArrayList<>();
        for (DeviceSpec d : view.engine().devices()) {
            Object size = sizeByDevice.get(d.name());
            devices.add(size == null ? d : new DeviceSpec(d.name(), d.handlerType(),
                    d.config().withValue("size", ConfigValueFactory.fromAnyRef(size))));
        }
        return new ScstjConfig(view.source(), view.config(), new org.scstj.engine.model.EngineSpec(
                view.engine().stateDir(), devices, view.engine().targets(), view.engine().alua()), view.iscsi(),
                view.portals(), view.cluster());
    }

    /**
     * The devices whose {@code size} the edit changed (a resize), by the path of their size:
     * {running size, device name, path}. Walks the handlers' objects, and skips at once every
     * device block the edit left alone (edits share the untouched parts of the document), so a
     * change costs the same with ten devices as with a thousand.
     */
    private static Map<String, String[]> resized(Config running, Config doc) {
        Map<String, String[]> out = new java.util.LinkedHashMap<>();
        com.typesafe.config.ConfigObject before = handlers(running);
        com.typesafe.config.ConfigObject after = handlers(doc);
        if (before == null || after == null || before == after) {
            return out;
        }
        for (Map.Entry<String, com.typesafe.config.ConfigValue> h : after.entrySet()) {
            if (!(h.getValue() instanceof com.typesafe.config.ConfigObject devices)
                    || !(before.get(h.getKey()) instanceof com.typesafe.config.ConfigObject was) || devices == was) {
                continue;
            }
            for (Map.Entry<String, com.typesafe.config.ConfigValue> d : devices.entrySet()) {
                com.typesafe.config.ConfigValue old = was.get(d.getKey());
                if (old == d.getValue() || !(old instanceof com.typesafe.config.ConfigObject o)
                        || !(d.getValue() instanceof com.typesafe.config.ConfigObject n)) {
                    continue;
                }
                com.typesafe.config.ConfigValue x = o.get("size");
                com.typesafe.config.ConfigValue y = n.get("size");
                if (x != null && y != null && !x.unwrapped().equals(y.unwrapped())) {
                    try {
                        ConfigValueFactory.fromMap(Map.of("s", y.unwrapped())).toConfig().getBytes("s");
                    } catch (RuntimeException bad) {
                        continue; // the validator reports it
                    }
                    String path = Edits.devicePath(h.getKey(), d.getKey()) + ".size";
                    out.put(path, new String[] {String.valueOf(x.unwrapped()), d.getKey(), path});
                }
            }
        }
        return out;
    }

    private static com.typesafe.config.ConfigObject handlers(Config c) {
        if (c.root().get("scstj") instanceof com.typesafe.config.ConfigObject scstj
                && scstj.get("handlers") instanceof com.typesafe.config.ConfigObject h) {
            return h;
        }
        return null;
    }

    private ScstjConfig validate(Config doc) throws ApiException {
        try {
            return loader.load(source, doc);
        } catch (InvalidConfigException e) {
            List<ApiException.Problem> problems = e.problems().stream()
                    .map(p -> new ApiException.Problem(p.key(), p.message())).toList();
            throw new ApiException(422, "the configuration would be invalid: " + String.join("; ", e.problems().stream()
                    .map(p -> p.key().isEmpty() ? p.message() : p.key() + ": " + p.message()).toList()), problems);
        }
    }

    List<SessionInfo> sessions() throws ApiException {
        return await("listing sessions", live.sessions());
    }

    private void problems(String what, CompletionStage<List<String>> stage) throws ApiException {
        List<String> problems = await(what, stage);
        if (!problems.isEmpty()) {
            throw new ApiException(409, what + " was refused: " + problems,
                    problems.stream().map(p -> new ApiException.Problem("", p)).toList());
        }
    }

    private static <T> T await(String what, CompletionStage<T> stage) throws ApiException {
        return ChangeManagerAwait.await(what, stage);
    }

    private interface Undo {
        CompletionStage<Void> run();
    }

    private static void rollback(Deque<Undo> undo) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run().toCompletableFuture().get(LIVE_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.error("admin: undoing a step of a failed change failed: {}", e.toString());
            }
        }
    }

    private List<Lock> lockAll(Collection<String> objects) throws ApiException {
        List<Lock> held = new ArrayList<>();
        try {
            for (String o : new TreeSet<>(objects)) { // one order for everyone: no deadlock
                Lock l = locks.computeIfAbsent(o, k -> new ReentrantLock());
                lockOrBusy(l);
                held.add(l);
            }
            return held;
        } catch (ApiException e) {
            held.reversed().forEach(Lock::unlock);
            throw e;
        }
    }

    private static void lockOrBusy(Lock lock) throws ApiException {
        try {
            if (!lock.tryLock(LOCK_SECONDS, TimeUnit.SECONDS)) {
                throw new ApiException(503, "another change to the same object has run for more than "
                        + LOCK_SECONDS + " s; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        }
    }

    static boolean mapped(ScstjConfig config, String device) {
        for (TargetSpec t : config.engine().targets()) {
            for (LunMapping m : t.defaultLuns()) {
                if (m.device().equals(device)) {
                    return true;
                }
            }
            if (t.groups().stream().anyMatch(g -> g.luns().stream().anyMatch(m -> m.device().equals(device)))) {
                return true;
            }
        }
        return false;
    }

    private static String header() {
        return """
                Written by scstj's admin plane after a change (the previous version is FILE.1).
                Edit it freely: `scstj admin apply -c FILE` or SIGHUP applies it to the running daemon.""";
    }
}
