package org.scstj.transports.iscsi;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import org.scstj.transports.iscsi.pdu.LoginResponsePdu;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cap on unauthenticated connections per source address (issue 6 hardening, bad-inputs row
 * 18): counts, per remote address, the connections that have not yet reached the full feature
 * phase; one beyond {@code max} is closed as soon as it is accepted. A connection stops counting
 * when the target sends the Login Response that transits to the full feature phase (RFC 7143
 * 11.13: T=1, NSG=3, status 0) or when it closes. One instance is shared by every connection of
 * a driver; it sits between the encoder and the connection handler, so it sees typed PDUs going
 * out and passes everything through untouched (it owns no buffer).
 */
@ChannelHandler.Sharable
final class LoginConnectionLimiter extends ChannelDuplexHandler {
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("scstj.iscsi.loginCounted");
    private static final int FULL_FEATURE_PHASE = 3;
    private volatile int max; // read once per accepted connection; a reconfiguration may change it
    private final ConcurrentHashMap<InetAddress, Integer> inLogin = new ConcurrentHashMap<>();

    LoginConnectionLimiter(int max) {
        this.max = max;
    }

    /** A new limit for connections accepted from now on (those counted already stay counted). */
    void max(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress source = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        int now = inLogin.merge(source, 1, Integer::sum);
        ctx.channel().attr(COUNTED).set(source);
        ctx.fireChannelActive();
        if (now > max) {
            release(ctx);
            ctx.close();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LoginResponsePdu r && r.transit() && r.nsg() == FULL_FEATURE_PHASE && r.status() == 0) {
            release(ctx);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release(ctx);
        ctx.fireChannelInactive();
    }

    private void release(ChannelHandlerContext ctx) {
        InetAddress source = ctx.channel().attr(COUNTED).getAndSet(null);
        if (source != null) {
            inLogin.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
        }
    }
}
