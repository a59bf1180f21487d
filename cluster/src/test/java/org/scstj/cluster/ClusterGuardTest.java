package org.scstj.cluster;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard against peers that are probes or scripted behaviours registered under its key with the
 * (local) receptionist; real time, a short lease.
 */
class ClusterGuardTest {
    private static final ActorTestKit kit = ActorTestKit.create();
    private static final Duration LEASE = Duration.ofMillis(600);

    @AfterAll
    static void down() {
        kit.shutdownTestKit();
    }

    private static ClusterSpec spec(int nodes) {
        List<ClusterSpec.Node> list = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            list.add(new ClusterSpec.Node("n" + i, "127.0.0." + i, 25520, List.of("storage")));
        }
        return new ClusterSpec("n1", list, LEASE, FailoverTiming.FAST);
    }

    /** A peer guard that answers as {@code name} while {@code answering}. */
    private static Behavior<ClusterGuard.Command> peer(String name, AtomicBoolean answering) {
        return Behaviors.receive(ClusterGuard.Command.class)
                .onMessage(ClusterGuard.Ping.class, p -> {
                    if (answering.get()) {
                        p.replyTo().tell(new ClusterGuard.Pong(p.seq(), name));
                    }
                    return Behaviors.same();
                })
                .build();
    }

    private static void register(ActorRef<ClusterGuard.Command> peer) {
        TestProbe<Receptionist.Registered> ack = kit.createTestProbe();
        kit.system().receptionist().tell(Receptionist.register(ClusterGuard.KEY, peer, ack.getRef()));
        ack.receiveMessage();
    }

    /** The fence actions as messages to a probe. */
    private record Actions(TestProbe<String> probe) implements ClusterGuard.FenceActions {
        @Override
        public void fence() {
            probe.getRef().tell("fence");
        }

        @Override
        public void unfence() {
            probe.getRef().tell("unfence");
        }
    }

    private record Members(boolean up, boolean member) implements ClusterGuard.Membership {
        @Override
        public boolean selfUp() {
            return up;
        }

        @Override
        public boolean isUpMember(ActorRef<?> pinger) {
            return member;
        }
    }

    private static void stop(ActorRef<?>... refs) {
        for (ActorRef<?> r : refs) {
            kit.stop(r, Duration.ofSeconds(3));
        }
    }

    @Test
    void guard_majorityAnswers_servesAndUnfences_thenAnswersStop_fencesWithinTheLease() {
        AtomicBoolean answering = new AtomicBoolean(true);
        ActorRef<ClusterGuard.Command> n2 = kit.spawn(peer("n2", answering));
        register(n2);
        Lease lease = new Lease(System::nanoTime);
        GuardState state = new GuardState();
        TestProbe<String> actions = kit.createTestProbe();
        ActorRef<ClusterGuard.Command> guard = kit.spawn(ClusterGuard.create(spec(3), lease, state, System::nanoTime,
                new Members(true, true), new Actions(actions)));
        try {
            assertEquals("unfence", actions.receiveMessage(Duration.ofSeconds(3)));
            assertTrue(lease.serving());
            assertFalse(state.isFenced());
            long stopped = System.nanoTime();
            answering.set(false);
            assertEquals("fence", actions.receiveMessage(Duration.ofSeconds(3)));
            long ms = (System.nanoTime() - stopped) / 1_000_000;
            assertFalse(lease.serving());
            assertTrue(state.isFenced());
            assertEquals(1, state.fences());
            // expired no later than one lease after the last answered round (+ a check interval + scheduling)
            assertTrue(ms <= LEASE.toMillis() + 400, "fenced after " + ms + " ms");
            answering.set(true);
            assertEquals("unfence", actions.receiveMessage(Duration.ofSeconds(3)));
        } finally {
            stop(guard, n2);
        }
    }

    @Test
    void guard_oneOfFiveAnswering_isNoMajority_neverServes() {
        AtomicBoolean answering = new AtomicBoolean(true);
        ActorRef<ClusterGuard.Command> n2 = kit.spawn(peer("n2", answering));
        register(n2);
        Lease lease = new Lease(System::nanoTime);
        TestProbe<String> actions = kit.createTestProbe();
        ActorRef<ClusterGuard.Command> guard = kit.spawn(ClusterGuard.create(spec(5), lease, new GuardState(),
                System::nanoTime, new Members(true, true), new Actions(actions)));
        try {
            actions.expectNoMessage(Duration.ofMillis(1500));
            assertFalse(lease.serving());
        } finally {
            stop(guard, n2);
        }
    }

    @Test
    void guard_answersFromANodeNotConfigured_doNotCount() {
        AtomicBoolean answering = new AtomicBoolean(true);
        ActorRef<ClusterGuard.Command> stranger = kit.spawn(peer("n9", answering));
        ActorRef<ClusterGuard.Command> impostor = kit.spawn(peer("n1", answering)); // claims to be the pinger itself
        register(stranger);
        register(impostor);
        Lease lease = new Lease(System::nanoTime);
        TestProbe<String> actions = kit.createTestProbe();
        ActorRef<ClusterGuard.Command> guard = kit.spawn(ClusterGuard.create(spec(3), lease, new GuardState(),
                System::nanoTime, new Members(true, true), new Actions(actions)));
        try {
            actions.expectNoMessage(Duration.ofMillis(1500));
            assertFalse(lease.serving());
        } finally {
            stop(guard, stranger, impostor);
        }
    }

    @Test
    void ping_answeredOnlyWhenUpAndThePingerIsAnUpMember() {
        TestProbe<ClusterGuard.Command> pinger = kit.createTestProbe();
        TestProbe<String> actions = kit.createTestProbe();
        ActorRef<ClusterGuard.Command> up = kit.spawn(ClusterGuard.create(spec(3), new Lease(System::nanoTime),
                new GuardState(), System::nanoTime, new Members(true, true), new Actions(actions)));
        ActorRef<ClusterGuard.Command> joining = kit.spawn(ClusterGuard.create(spec(3), new Lease(System::nanoTime),
                new GuardState(), System::nanoTime, new Members(false, true), new Actions(actions)));
        ActorRef<ClusterGuard.Command> strangerPinger = kit.spawn(ClusterGuard.create(spec(3), new Lease(System::nanoTime),
                new GuardState(), System::nanoTime, new Members(true, false), new Actions(actions)));
        try {
            up.tell(new ClusterGuard.Ping(7, pinger.getRef()));
            ClusterGuard.Command reply = pinger.receiveMessage(Duration.ofSeconds(2));
            assertEquals(new ClusterGuard.Pong(7, "n1"), reply);
            joining.tell(new ClusterGuard.Ping(8, pinger.getRef()));
            strangerPinger.tell(new ClusterGuard.Ping(9, pinger.getRef()));
            // the guards also ping each other (all registered): only Pongs to the probe matter here
            pinger.expectNoMessage(Duration.ofMillis(500));
        } finally {
            stop(up, joining, strangerPinger);
        }
    }
}
