package org.scstj.mgmt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and SIGINT as an event the daemon waits for, so it can stop in order and exit 0
 * (the JVM's default would exit 143/130 from a shutdown hook). A second signal while stopping
 * exits at once. Where the signals cannot be trapped (e.g. {@code -Xrs}), a shutdown hook
 * triggers the same orderly stop and waits for it to finish.
 */
final class ShutdownSignal {
    private static final Logger log = LoggerFactory.getLogger(ShutdownSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile String cause = "shutdown";

    private ShutdownSignal() {
    }

    static ShutdownSignal install(long hookWaitSeconds) {
        ShutdownSignal s = new ShutdownSignal();
        boolean trapped = s.trap("TERM") & s.trap("INT");
        Thread hook = new Thread(() -> {
            s.request("JVM shutdown");
            try {
                s.finished.await(hookWaitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "scstj-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!trapped) {
            log.debug("signals not trapped; stopping from the shutdown hook instead");
        }
        return s;
    }

    private boolean trap(String name) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                if (requested.getCount() == 0) {
                    log.warn("SIG{} again while stopping: exiting now", name);
                    Runtime.getRuntime().halt(128 + sig.getNumber());
                }
                request("SIG" + name);
            });
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Asks for the orderly stop from inside the daemon (a planned cluster leave, removal from the cluster). */
    void requestStop(String why) {
        request(why);
    }

    private void request(String why) {
        if (requested.getCount() > 0) {
            cause = why;
            requested.countDown();
        }
    }

    /** True once a stop was asked. */
    boolean requested() {
        return requested.getCount() == 0;
    }

    /** Blocks until a signal (or JVM shutdown) asks to stop; returns what asked. */
    String await() throws InterruptedException {
        requested.await();
        return cause;
    }

    /** The orderly stop is over; a waiting shutdown hook may let the JVM exit. */
    void finished() {
        finished.countDown();
    }
}
