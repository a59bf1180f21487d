package org.scstj.cluster.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.scstj.cluster.CborSerializable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The authority's two phases on a one-member cluster with two followers standing for two nodes
 * (each with a fake participant that records what it was asked): all prepare then all commit and
 * the record is written; one refusal aborts the other and names the refusing node, the record
 * unchanged; a stale base is refused before any node is asked; messages survive CBOR.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigAuthorityTest {
    private static final ActorTestKit kit = ActorTestKit.create("cfgauth", ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.roles = [storage]
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.actor.serialization-bindings { "org.scstj.cluster.CborSerializable" = jackson-cbor }
            """).withFallback(ConfigFactory.load()));
    private static final Fake a = new Fake();
    private static final Fake b = new Fake();
    private static ActorRef<ConfigAuthority.Command> authority;

    /** Records every call; refuses a prepare while {@code refuse} is set. */
    static final class Fake implements ConfigParticipant {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile ConfigParticipant.Vote answer = ConfigParticipant.Vote.yes();

        @Override
        public CompletionStage<Vote> prepare(long revision, String text, boolean allowDisruptive, boolean force) {
            calls.add("prepare " + revision + " " + text);
            return CompletableFuture.completedFuture(answer);
        }

        @Override
        public CompletionStage<Void> commit(long revision) {
            calls.add("commit " + revision);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> abort(long revision) {
            calls.add("abort " + revision);
            return CompletableFuture.completedFuture(null);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (cluster.selfMember().status() != org.apache.pekko.cluster.MemberStatus.up() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        kit.spawn(ConfigFollower.create("a", a), "follower-a");
        kit.spawn(ConfigFollower.create("b", b), "follower-b");
        authority = ConfigAuthority.init(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static ConfigAuthority.Outcome propose(long base, String text) {
        // the followers register asynchronously: a 503 "no follower yet" is retried, as a proposer would
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            TestProbe<ConfigAuthority.Outcome> probe = kit.createTestProbe();
            authority.tell(new ConfigAuthority.Propose(base, text, false, false, "test", probe.getRef()));
            ConfigAuthority.Outcome o = probe.receiveMessage(Duration.ofSeconds(40));
            if (o.status() != 503 || System.nanoTime() > end) {
                return o;
            }
        }
    }

    @Test
    @Order(1)
    void allPrepareThenAllCommitAndTheRecordIsWritten() throws Exception {
        waitListed(2);
        ConfigAuthority.Outcome o = propose(0, "{\"x\":1}");
        assertEquals(ConfigAuthority.Outcome.Kind.COMMITTED, o.kind(), o.toString());
        assertEquals(1, o.revision());
        assertEquals(200, o.status());
        assertEquals(List.of("prepare 1 {\"x\":1}", "commit 1"), a.calls);
        assertEquals(List.of("prepare 1 {\"x\":1}", "commit 1"), b.calls);
        ConfigRecord r = ConfigAuthority.read(kit.system(), Duration.ofSeconds(3)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals(new ConfigRecord(1, "{\"x\":1}"), r);
    }

    @Test
    @Order(2)
    void aRefusalAbortsEveryNodeAndNamesTheRefusingOne() throws Exception {
        a.calls.clear();
        b.calls.clear();
        b.answer = new ConfigParticipant.Vote(422, "scstj.handlers.x.size: bad");
        ConfigAuthority.Outcome o = propose(1, "{\"x\":2}");
        b.answer = ConfigParticipant.Vote.yes();
        assertEquals(ConfigAuthority.Outcome.Kind.REFUSED, o.kind(), o.toString());
        assertEquals("b", o.node());
        assertEquals(422, o.status());
        assertTrue(o.message().contains("size: bad"), o.message());
        // a prepared and was undone; b refused and holds nothing, so it is not asked to undo
        awaitCalls(a, List.of("prepare 2 {\"x\":2}", "abort 2"));
        assertEquals(List.of("prepare 2 {\"x\":2}"), b.calls);
        ConfigRecord r = ConfigAuthority.read(kit.system(), Duration.ofSeconds(3)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals(1, r.revision(), "the record is unchanged");
    }

    @Test
    @Order(3)
    void aStaleBaseIsRefusedBeforeAnyNodeIsAsked() {
        a.calls.clear();
        b.calls.clear();
        ConfigAuthority.Outcome o = propose(0, "{\"x\":3}");
        assertEquals(ConfigAuthority.Outcome.Kind.STALE, o.kind(), o.toString());
        assertEquals(1, o.revision(), "the current revision");
        assertEquals(409, o.status());
        assertEquals(List.of(), a.calls);
        assertEquals(List.of(), b.calls);
        // and the next proposal on the current revision goes through
        assertEquals(ConfigAuthority.Outcome.Kind.COMMITTED, propose(1, "{\"x\":4}").kind());
        assertEquals(List.of("prepare 2 {\"x\":4}", "commit 2"), a.calls);
    }

    @Test
    @Order(4)
    void messagesCrossNodesThroughCbor() throws Exception {
        TestProbe<ConfigAuthority.Outcome> probe = kit.createTestProbe();
        TestProbe<ConfigAuthority.Command> back = kit.createTestProbe();
        List<CborSerializable> all = List.of(
                new ConfigAuthority.Propose(3, "{}", true, false, "n2", probe.getRef()),
                new ConfigAuthority.Voted(4, "n1", 422, "why"),
                new ConfigAuthority.Committed(4, "n3"),
                new ConfigAuthority.Outcome(ConfigAuthority.Outcome.Kind.REFUSED, 4, "n3", 422, "why"),
                new ConfigFollower.Prepare(4, "{}", false, true, back.getRef()),
                new ConfigFollower.Commit(4, back.getRef()),
                new ConfigFollower.Abort(4),
                new ConfigRecord(4, "{\"a\":1}"));
        Serialization s = SerializationExtension.get(kit.system());
        for (CborSerializable m : all) {
            byte[] bytes = s.serialize(m).get();
            var ser = s.findSerializerFor(m);
            assertTrue(ser.getClass().getName().contains("Jackson"), ser.getClass().getName());
            Object again = s.deserialize(bytes, ser.identifier(), Serializers.manifestFor(ser, m)).get();
            assertEquals(m, again);
        }
    }

    private static void waitListed(int n) throws InterruptedException {
        TestProbe<org.apache.pekko.actor.typed.receptionist.Receptionist.Listing> p = kit.createTestProbe();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            kit.system().receptionist().tell(org.apache.pekko.actor.typed.receptionist.Receptionist.find(
                    ConfigFollower.KEY, p.getRef()));
            if (p.receiveMessage().getServiceInstances(ConfigFollower.KEY).size() >= n) {
                Thread.sleep(300); // the authority's subscription hears it too
                return;
            }
            Thread.sleep(100);
        }
    }

    private static void awaitCalls(Fake f, List<String> expected) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!f.calls.equals(expected) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(expected, f.calls);
    }
}
