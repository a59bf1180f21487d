package org.scstj.transports.iscsi;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.scstj.engine.spi.ScsiCore;
import org.scstj.engine.spi.TargetDriver;
import org.scstj.transports.iscsi.codec.PduDecoder;
import org.scstj.transports.iscsi.codec.PduEncoder;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.conn.IscsiConnection;
import org.scstj.transports.iscsi.conn.SessionRegistry;
import org.scstj.transports.iscsi.conn.TargetContext;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The iSCSI target driver (RFC 7143) on Netty: one listening channel per portal of every portal
 * group (4.4.1; each accepted connection carries its group in {@link IscsiConnection#PORTAL_GROUP}), one pipeline
 * per connection ({@link PduDecoder} → {@link PduEncoder} → {@link LoginConnectionLimiter} → the
 * {@link IscsiConnection}'s login handler, which gives way to its full feature handler). Uses the
 * native epoll transport when available, NIO otherwise.
 */
public final class IscsiTargetDriver implements TargetDriver {

    private final IscsiSettings settings;
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private final Map<Channel, Integer> listenerTags = new ConcurrentHashMap<>();
    private final Map<Channel, IscsiSettings.Portal> listenerPortals = new ConcurrentHashMap<>();
    private final Set<IscsiConnection> connections = ConcurrentHashMap.newKeySet();
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private SessionRegistry registry;

    public IscsiTargetDriver(IscsiSettings settings) {
        this.settings = settings;
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
        for (IscsiSettings.PortalGroup g : settings.portalGroups()) {
            out.put(g.tag(), new ArrayList<>());
        }
        for (Channel c : listeners) {
            Integer tag = listenerTags.get(c);
            IscsiSettings.Portal portal = listenerPortals.get(c);
            if (tag != null && portal != null) {
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
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        registry = new SessionRegistry();
        TargetContext context = new TargetContext(core, settings, registry, this::boundByGroup, connections);
        LoginConnectionLimiter limiter = new LoginConnectionLimiter(settings.maxLoginConnectionsPerSource());
        ServerBootstrap bootstrap = new ServerBootstrap()
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
            ServerBootstrap groupBootstrap = bootstrap.clone().childAttr(IscsiConnection.PORTAL_GROUP, group);
            for (IscsiSettings.Portal portal : group.portals()) {
                all = all.thenCombine(bind(groupBootstrap, group, portal), (a, b) -> null);
            }
        }
        return all.whenComplete((v, error) -> {
            if (error != null) {
                stop();
            }
        });
    }

    private CompletableFuture<Void> bind(ServerBootstrap bootstrap, IscsiSettings.PortalGroup group,
                                         IscsiSettings.Portal portal) {
        CompletableFuture<Void> bound = new CompletableFuture<>();
        ChannelFuture f = bootstrap.bind(portal.host(), portal.port());
        f.addListener(done -> {
            if (done.isSuccess()) {
                listenerTags.put(f.channel(), group.tag());
                listenerPortals.put(f.channel(), portal);
                listeners.add(f.channel());
                bound.complete(null);
            } else {
                bound.completeExceptionally(new java.io.IOException("cannot bind iSCSI portal " + portal
                        + " (portal group " + group.name() + ")" + ": " + done.cause().getMessage(), done.cause()));
            }
        });
        return bound;
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
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (Channel listener : listeners) {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            listener.close().addListener(f -> closed.complete(null));
            waits.add(closed);
        }
        listeners.clear();
        listenerTags.clear();
        listenerPortals.clear();
        // RFC 7143 11.9.1: every session is asked to log out (AsyncEvent 1, Parameter3 = the grace in
        // seconds); after the logouts, or the grace, what is left is closed
        long grace = settings.recovery().logoutGrace().toMillis();
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
}
