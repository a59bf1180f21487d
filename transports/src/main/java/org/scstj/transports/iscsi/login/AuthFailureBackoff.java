package org.scstj.transports.iscsi.login;

import org.scstj.transports.iscsi.config.ChapBackoff;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down guessing of CHAP secrets (bad-inputs row 9) without locking anyone out: recent wrong
 * CHAP responses are counted per source (an IPv4 address, or an IPv6 /64, which one host usually
 * owns whole) and per CHAP account (the credentials the login had to match, so their number is
 * bounded by the configuration). Past {@code freeFailures} of them, the verdict on every further
 * CHAP response from that source or for that account, right or wrong, waits {@code initialDelay},
 * doubling per failure up to {@code maxDelay}: an attacker cannot learn the outcome sooner by
 * giving up early, and the owner of the account still logs in, only later. A failure is forgotten
 * when {@code forgetAfter} passes without another; a successful login clears its source and
 * account. Memory is bounded: at most {@code trackedSources} sources and as many accounts, the
 * least recently failed forgotten first. Thread-safe (logins of every event loop share one).
 */
public final class AuthFailureBackoff {

    private static final class Failures {
        int count;
        long last;
    }

    private ChapBackoff settings; // guarded by this; a reconfiguration may replace it
    private final LongSupplier nanoClock;
    private final Map<String, Failures> sources;
    private final Map<String, Failures> accounts;

    /** @param nanoClock the time in nanoseconds ({@code System::nanoTime}) */
    public AuthFailureBackoff(ChapBackoff settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.sources = bounded();
        this.accounts = bounded();
    }

    /** Least recently seen first; at most tracked-sources entries (the eldest gives way). */
    private Map<String, Failures> bounded() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > settings.trackedSources();
            }
        };
    }

    /**
     * New settings while running (a reconfiguration): the failures remembered stay, counted and
     * delayed by the new values from the next verdict on; beyond a smaller tracked-sources the
     * least recently seen are forgotten.
     */
    public synchronized void settings(ChapBackoff next) {
        this.settings = next;
        for (Map<String, Failures> map : List.of(sources, accounts)) {
            var eldest = map.keySet().iterator();
            while (map.size() > next.trackedSources() && eldest.hasNext()) {
                eldest.next();
                eldest.remove();
            }
        }
    }

    /** How long the verdict on a CHAP response from {@code source} for {@code account} waits. */
    public synchronized Duration delay(InetAddress source, String account) {
        int n = Math.max(recent(sources, key(source)), recent(accounts, account));
        if (n < settings.freeFailures()) {
            return Duration.ZERO;
        }
        int doublings = Math.min(n - settings.freeFailures(), 30);
        long nanos = settings.initialDelay().toNanos() << doublings;
        return Duration.ofNanos(Math.min(nanos < 0 ? Long.MAX_VALUE : nanos, settings.maxDelay().toNanos()));
    }

    /** A wrong CHAP response; returns the source's recent failures, this one included. */
    public synchronized int failed(InetAddress source, String account) {
        if (settings.trackedSources() == 0) {
            return 1;
        }
        bump(accounts, account);
        return bump(sources, key(source));
    }

    /** A successful CHAP login: its source and account start afresh. */
    public synchronized void succeeded(InetAddress source, String account) {
        sources.remove(key(source));
        accounts.remove(account);
    }

    private int recent(Map<String, Failures> map, String key) {
        Failures f = map.get(key);
        if (f == null) {
            return 0;
        }
        if (nanoClock.getAsLong() - f.last > settings.forgetAfter().toNanos()) {
            map.remove(key);
            return 0;
        }
        return f.count;
    }

    private int bump(Map<String, Failures> map, String key) {
        int before = recent(map, key);
        Failures f = map.computeIfAbsent(key, k -> new Failures());
        f.count = before + 1;
        f.last = nanoClock.getAsLong();
        return f.count;
    }

    /** An IPv4 address as it is; an IPv6 address by its /64 prefix. */
    static String key(InetAddress source) {
        if (source instanceof Inet6Address v6) {
            return HexFormat.of().formatHex(v6.getAddress(), 0, 8) + "/64";
        }
        return source.getHostAddress();
    }
}
