package org.scstj.transports.iscsi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.scstj.engine.spi.DescriptorLoop;
import org.scstj.engine.spi.NodeFence;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.engine.spi.TargetDriver;
import org.scstj.transports.iscsi.codec.PduDecoder;
import org.scstj.transports.iscsi.codec.PduEncoder;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.conn.IscsiConnection;
import org.scstj.transports.iscsi.conn.IscsiStats;
import org.scstj.transports.iscsi.conn.SessionRegistry;
import org.scstj.transports.iscsi.conn.TargetContext;
import org.scstj.transports.iscsi.login.AuthFailureBackoff;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The iSCSI target driver (RFC 7143) on Netty: one listening channel per portal of every portal
 * group (4.4.1; each accepted connection carries its group in {@link IscsiConnection#PORTAL_GROUP}), one pipeline
 * per connection ({@link PduDecoder} → {@link PduEncoder} → {@link LoginConnectionLimiter} → the
 * {@link IscsiConnection}'s login handler, which gives way to its full feature handler). Uses the
 * native epoll transport when available, NIO otherwise.
 *
 * <p>While running, the management plane sees the sessions ({@link #sessions}), ends them
 * ({@link #closeSession}, {@link #closeSessions}), asks them to log out ({@link #requestLogout})
 * and changes the settings ({@link #reconfigure}): the settings in force are one reference that
 * each new connection reads once, so a session keeps what it negotiated (docs/iscsi.md, "Seen and
 * changed while running").
 */
public final class IscsiTargetDriver implements TargetDriver {

    /** The settings in force; replaced whole by {@link #reconfigure}, read by each new connection. */
    private final AtomicReference<IscsiSettings> current;
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private final Map<Channel, Integer> listenerTags = new ConcurrentHashMap<>();
    private final Map<Channel, IscsiSettings.Portal> listenerPortals = new ConcurrentHashMap<>();
    private final Map<Channel, String> listenerGroups = new ConcurrentHashMap<>();
    private final Set<IscsiConnection> connections = ConcurrentHashMap.newKeySet();
    /** The driver's counters, kept across a stop and start (they never go back). */
    private final IscsiStats stats = new IscsiStats();
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private volatile SessionRegistry registry;
    private ServerBootstrap bootstrap;
    private LoginConnectionLimiter limiter;
    private TargetContext context;
    /** Reconfigurations run one after another: each starts when the previous one completed. */
    private CompletableFuture<List<String>> reconfiguring = CompletableFuture.completedFuture(List.of());

    private final NodeFence nodeFence;
    /** A portal {@link #fence} closed: its group, the portal as configured, the port it was bound to. */
    private record Closed(IscsiSettings.PortalGroup group, IscsiSettings.Portal portal, int port) {
    }

    /** The portals {@link #fence} closed, rebound by {@link #unfence}; null while not fenced. */
    private List<Closed> fencedPortals;

    public IscsiTargetDriver(IscsiSettings settings) {
        this(settings, NodeFence.ALWAYS);
    }

    /** A driver of a cluster node: before each SCSI status it asks {@code fence} whether the node may answer. */
    public IscsiTargetDriver(IscsiSettings settings, NodeFence fence) {
        this.current = new AtomicReference<>(settings);
        this.nodeFence = fence;
    }

    /** The settings in force now. */
    /** Logins, digest errors, NOP-In timeouts (docs/metrics.md). */
    public IscsiStats stats() {
        return stats;
    }

    /** Normal sessions open now. */
    public int sessionCount() {
        SessionRegistry r = registry;
        return r == null ? 0 : r.size();
    }

    /** Connections open now (discovery ones and those logging in included). */
    public int connectionCount() {
        return connections.size();
    }

    public IscsiSettings settings() {
        return current.get();
    }

    @Override
    public String name() {
        return "iscsi";
    }

    /** The addresses the portals are bound to (with the actual port when configured as 0). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>(listeners.size());
        for (Channel c : listeners) {
            out.add((InetSocketAddress) c.localAddress());
        }
        return List.copyOf(out);
    }

    /** The bound addresses of each portal group, by tag, in configuration order (for SendTargets). */
    public Map<Integer, List<InetSocketAddress>> boundByGroup() {
        Map<Integer, List<InetSocketAddress>> out = new LinkedHashMap<>();
        for (IscsiSettings.PortalGroup g : current.get().portalGroups()) {
            out.put(g.tag(), new ArrayList<>());
        }
        for (Channel c : listeners) {
            Integer tag = listenerTags.get(c);
            IscsiSettings.Portal portal = listenerPortals.get(c);
            if (tag != null && portal != null && out.containsKey(tag)) { // a portal being removed is no longer listed
                InetSocketAddress a = (InetSocketAddress) c.localAddress();
                // epoll binds 0.0.0.0 as a dual-stack [::]: keep the family the portal was configured with
                out.get(tag).add(portal.wildcard() ? new InetSocketAddress(portal.host(), a.getPort()) : a);
            }
        }
        out.replaceAll((tag, list) -> List.copyOf(list));
        return out;
    }

    @Override
    public synchronized CompletionStage<Void> start(ScsiCore core) {
        if (acceptors != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("iscsi driver already started"));
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        acceptors = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        if (epoll) { // a user-space handler's completion doorbell can join a worker's epoll set
            for (io.netty.util.concurrent.EventExecutor e : workers) {
                IoEventLoop loop = (IoEventLoop) e;
                loop.execute(() -> DescriptorLoop.bind(new EpollDescriptorLoop(loop)));
            }
        }
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        IscsiSettings settings = current.get();
        registry = new SessionRegistry(stats);
        TargetContext context = new TargetContext(core, current, registry, this::boundByGroup, connections,
                new AuthFailureBackoff(settings.chapBackoff(), System::nanoTime), nodeFence);
        this.context = context;
        LoginConnectionLimiter limiter = new LoginConnectionLimiter(settings.maxLoginConnectionsPerSource());
        this.limiter = limiter;
        bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new PduDecoder(), new PduEncoder(), limiter, new IscsiConnection(context).loginHandler());
                    }
                });
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (IscsiSettings.PortalGroup group : settings.portalGroups()) {
            for (IscsiSettings.Portal portal : group.portals()) {
                all = all.thenCombine(bind(group, portal).thenAccept(c -> listening(c, group, portal)), (a, b) -> null);
            }
        }
        return all.whenComplete((v, error) -> {
            if (error != null) {
                stop();
            }
        });
    }

    /** Binds one portal of {@code group} (RFC 7143 4.4.1); its connections carry the group. */
    private CompletableFuture<Channel> bind(IscsiSettings.PortalGroup group, IscsiSettings.Portal portal) {
        return bind(group, portal, portal.port());
    }

    /** Binds {@code portal} at {@code port} (its configured port, or the one it got when configured as 0). */
    private CompletableFuture<Channel> bind(IscsiSettings.PortalGroup group, IscsiSettings.Portal portal, int port) {
        CompletableFuture<Channel> bound = new CompletableFuture<>();
        ChannelFuture f = bootstrap.clone().childAttr(IscsiConnection.PORTAL_GROUP, group).bind(portal.host(), port);
        f.addListener(done -> {
            if (done.isSuccess()) {
                bound.complete(f.channel());
            } else {
                bound.completeExceptionally(new java.io.IOException("cannot bind iSCSI portal " + portal
                        + " (portal group " + group.name() + ")" + ": " + done.cause().getMessage(), done.cause()));
            }
        });
        return bound;
    }

    private void listening(Channel c, IscsiSettings.PortalGroup group, IscsiSettings.Portal portal) {
        listenerTags.put(c, group.tag());
        listenerPortals.put(c, portal);
        listenerGroups.put(c, group.name());
        listeners.add(c);
    }

    @Override
    public synchronized CompletionStage<Void> stop() {
        if (acceptors == null) {
            return CompletableFuture.completedFuture(null);
        }
        EventLoopGroup a = acceptors;
        EventLoopGroup w = workers;
        SessionRegistry sessions = registry;
        acceptors = null;
        workers = null;
        fencedPortals = null;
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (Channel listener : listeners) {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            listener.close().addListener(f -> closed.complete(null));
            waits.add(closed);
        }
        listeners.clear();
        listenerTags.clear();
        listenerPortals.clear();
        listenerGroups.clear();
        // RFC 7143 11.9.1: every session is asked to log out (AsyncEvent 1, Parameter3 = the grace in
        // seconds); after the logouts, or the grace, what is left is closed
        long grace = current.get().recovery().logoutGrace().toMillis();
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        if (grace > 0) {
            int seconds = (int) Math.min(3600, Math.max(1, (grace + 999) / 1000));
            for (IscsiConnection c : connections) {
                asked.add(c.requestLogout(seconds).toCompletableFuture());
            }
        }
        CompletableFuture<Void> loggedOut = CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, grace, TimeUnit.MILLISECONDS);
        CompletableFuture<Void> closed = loggedOut.thenCompose(v -> {
            for (IscsiConnection c : connections) {
                waits.add(c.shutdown().toCompletableFuture());
            }
            waits.add(sessions.shutdownAll()); // ERL 2 sessions in Time2Retain with no connection left (RFC 7143 7.2)
            return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
        });
        CompletableFuture<Void> done = new CompletableFuture<>();
        closed
                .orTimeout(10, TimeUnit.SECONDS)
                .whenComplete((v, e) -> {
                    a.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                    w.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> done.complete(null));
                });
        return done;
    }

    /**
     * The node lost its cluster lease: every portal stops listening (a new connection is refused)
     * and every connection is reset, no Logout asked, nothing pending sent. The sessions end as on
     * a connection loss. Completes when the listeners are closed.
     */
    @Override
    public synchronized CompletionStage<Void> fence() {
        if (acceptors == null || fencedPortals != null) {
            return CompletableFuture.completedFuture(null);
        }
        List<Closed> closed = new ArrayList<>();
        Map<String, IscsiSettings.PortalGroup> groups = new HashMap<>();
        current.get().portalGroups().forEach(g -> groups.put(g.name(), g));
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (Channel c : listeners) {
            IscsiSettings.PortalGroup g = groups.get(listenerGroups.get(c));
            if (g != null) { // the same port again, also for a portal configured with port 0
                closed.add(new Closed(g, listenerPortals.get(c), ((InetSocketAddress) c.localAddress()).getPort()));
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            c.close().addListener(f -> done.complete(null));
            closes.add(done);
        }
        listeners.clear();
        listenerTags.clear();
        listenerPortals.clear();
        listenerGroups.clear();
        fencedPortals = closed;
        for (IscsiConnection c : connections) {
            c.reset();
        }
        return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new));
    }

    /** The lease is back: the portals {@link #fence} closed listen again. Completes when bound (or fails naming one). */
    @Override
    public synchronized CompletionStage<Void> unfence() {
        if (acceptors == null || fencedPortals == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<Closed> portals = fencedPortals;
        fencedPortals = null;
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (Closed p : portals) {
            all = all.thenCombine(bind(p.group(), p.portal(), p.port()).thenAccept(c -> listening(c, p.group(), p.portal())),
                    (a, b) -> null);
        }
        return all;
    }

    /** True between {@link #fence} and {@link #unfence}. */
    public synchronized boolean fenced() {
        return fencedPortals != null;
    }

    // ---- the management plane (docs/iscsi.md, "Seen and changed while running") ----

    /** Every normal session, each snapshot made on its session's event loop. */
    @Override
    public CompletionStage<List<SessionInfo>> sessions() {
        SessionRegistry r = registry;
        return r == null ? CompletableFuture.completedFuture(List.of()) : r.snapshots();
    }

    /** Closes the session as a reinstatement would (RFC 7143 6.3.5): tasks aborted through the engine, no retention. */
    @Override
    public CompletionStage<Boolean> closeSession(String id) {
        SessionRegistry r = registry;
        return CompletableFuture.completedFuture(r != null && r.close(id));
    }

    /**
     * RFC 7143 11.9.1 AsyncEvent 1 on each connection of the session, Parameter3 = {@code
     * logout-grace} in seconds (at least 1); still there when {@code logout-grace} passed, it is closed.
     */
    @Override
    public CompletionStage<Boolean> requestLogout(String id) {
        SessionRegistry r = registry;
        return CompletableFuture.completedFuture(r != null && r.requestLogout(id, current.get().recovery().logoutGrace()));
    }

    @Override
    public CompletionStage<Void> closeSessions(String targetName) {
        SessionRegistry r = registry;
        return r == null ? CompletableFuture.completedFuture(null) : r.closeTarget(targetName);
    }

    /**
     * Applies a new {@code scstj.target-drivers.iscsi} block while running. Live, for the logins and
     * connections that come next (open sessions keep what they negotiated): CHAP credentials and
     * algorithms, negotiation defaults, the targets' portal groups and redirects, the portal
     * groups' redirects, login timeout, command window, recovery and ping settings, the login
     * connection limit per source, the CHAP failure back-off (the failures remembered stay).
     * Portals added are bound (a failure is a problem, and the binds of this call are undone);
     * portals removed are unbound and the sessions with a connection accepted on them closed. A
     * portal group's tag and a portal moving between groups need a restart: then nothing is
     * applied. Reconfigurations run one at a time.
     */
    @Override
    public CompletionStage<List<String>> reconfigure(Config driverBlock) {
        IscsiSettings next;
        try {
            next = IscsiSettings.from(driverBlock);
        } catch (ConfigException | IllegalArgumentException e) {
            return CompletableFuture.completedFuture(List.of(e.getMessage()));
        }
        synchronized (this) {
            reconfiguring = reconfiguring.handle((v, e) -> null).thenCompose(v -> apply(next));
            return reconfiguring;
        }
    }

    /** A portal as configured under its group: what is bound once and unbound when it leaves the settings. */
    private record PortalKey(String group, IscsiSettings.Portal portal) {
    }

    private static Map<PortalKey, IscsiSettings.PortalGroup> portalKeys(IscsiSettings s) {
        Map<PortalKey, IscsiSettings.PortalGroup> out = new LinkedHashMap<>();
        for (IscsiSettings.PortalGroup g : s.portalGroups()) {
            for (IscsiSettings.Portal p : g.portals()) {
                out.put(new PortalKey(g.name(), p), g);
            }
        }
        return out;
    }

    /** What differs between the settings in force and {@code next} that only a restart can apply. */
    static List<String> needsRestart(IscsiSettings now, IscsiSettings next) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> tags = new HashMap<>();
        Map<IscsiSettings.Portal, String> groupOf = new HashMap<>();
        for (IscsiSettings.PortalGroup g : now.portalGroups()) {
            tags.put(g.name(), g.tag());
            g.portals().forEach(p -> groupOf.put(p, g.name()));
        }
        for (IscsiSettings.PortalGroup g : next.portalGroups()) {
            Integer tag = tags.get(g.name());
            if (tag != null && tag != g.tag()) {
                // RFC 7143 13.9: the tag is the open sessions' TargetPortalGroupTag and their nexus's target port group
                problems.add("portal-groups." + g.name() + ".tag changed (" + tag + " -> " + g.tag() + "): needs a restart");
            }
            for (IscsiSettings.Portal p : g.portals()) {
                String was = groupOf.get(p);
                if (was != null && !was.equals(g.name())) {
                    problems.add("portal " + p + " moved from portal group " + was + " to " + g.name() + ": needs a restart");
                }
            }
        }
        return problems;
    }

    /** One reconfiguration, after the previous one completed. */
    private CompletableFuture<List<String>> apply(IscsiSettings next) {
        IscsiSettings now = current.get();
        List<String> problems = needsRestart(now, next);
        if (!problems.isEmpty()) {
            return CompletableFuture.completedFuture(problems);
        }
        synchronized (this) {
            if (acceptors == null) { // not running: the next start binds what the settings say
                current.set(next);
                return CompletableFuture.completedFuture(List.of());
            }
        }
        Map<PortalKey, IscsiSettings.PortalGroup> before = portalKeys(now);
        Map<PortalKey, IscsiSettings.PortalGroup> after = portalKeys(next);
        List<PortalKey> added = after.keySet().stream().filter(k -> !before.containsKey(k)).toList();
        Set<PortalKey> removed = new HashSet<>(before.keySet());
        removed.removeAll(after.keySet());
        List<CompletableFuture<Channel>> binds = new ArrayList<>();
        for (PortalKey k : added) {
            binds.add(bind(after.get(k), k.portal()));
        }
        CompletableFuture<Void> allTried = CompletableFuture.allOf(binds.stream()
                .map(b -> b.handle((c, e) -> null)).toArray(CompletableFuture[]::new));
        return allTried.thenCompose(v -> {
            List<String> failed = new ArrayList<>();
            for (CompletableFuture<Channel> b : binds) {
                if (b.isCompletedExceptionally()) {
                    failed.add(b.handle((c, e) -> e instanceof java.util.concurrent.CompletionException ce
                            && ce.getCause() != null ? ce.getCause().getMessage() : e.getMessage()).join());
                }
            }
            if (!failed.isEmpty()) { // rolled back: this call's binds are closed (and gone before the answer)
                List<CompletableFuture<Void>> undone = new ArrayList<>();
                for (CompletableFuture<Channel> b : binds) {
                    if (!b.isCompletedExceptionally()) {
                        CompletableFuture<Void> closed = new CompletableFuture<>();
                        b.join().close().addListener(f -> closed.complete(null));
                        undone.add(closed);
                    }
                }
                return CompletableFuture.allOf(undone.toArray(CompletableFuture[]::new)).thenApply(x -> failed);
            }
            for (int i = 0; i < added.size(); i++) {
                listening(binds.get(i).join(), after.get(added.get(i)), added.get(i).portal());
            }
            current.set(next);
            limiter.max(next.maxLoginConnectionsPerSource());
            context.chapBackoff().settings(next.chapBackoff());
            return unbind(removed).thenApply(x -> List.<String>of());
        });
    }

    /**
     * Stops listening on the portals {@code removed}, then ends every connection accepted on them
     * with its session (a login still on its way sees its portal closed and ends itself: {@code
     * LoginHandler.channelActive}). Completes when they are gone.
     */
    private CompletableFuture<Void> unbind(Set<PortalKey> removed) {
        Set<Channel> gone = new HashSet<>();
        for (Channel c : listeners) {
            if (removed.contains(new PortalKey(listenerGroups.get(c), listenerPortals.get(c)))) {
                gone.add(c);
            }
        }
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (Channel c : gone) {
            listeners.remove(c);
            listenerTags.remove(c);
            listenerPortals.remove(c);
            listenerGroups.remove(c);
            CompletableFuture<Void> closed = new CompletableFuture<>();
            c.close().addListener(f -> closed.complete(null));
            closes.add(closed);
        }
        return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            List<CompletableFuture<Void>> ends = new ArrayList<>();
            for (IscsiConnection c : connections) {
                if (gone.contains(c.acceptedOn())) {
                    ends.add(c.shutdown().toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new))
                    .completeOnTimeout(null, 10, TimeUnit.SECONDS);
        });
    }
}
