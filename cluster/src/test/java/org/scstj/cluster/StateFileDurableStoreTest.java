package org.scstj.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.DurableStore;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The durable store of the DData replicator (docs/design/cluster.md 4.3, 8 risk 2): a durable key
 * written on one actor system is found by the next one on the same directory, a key that is not
 * durable is not, and a damaged file is refused by name rather than loaded as nothing.
 */
class StateFileDurableStoreTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static final LWWRegisterKey<String> DURABLE = new LWWRegisterKey<>("lu-ctl-disk 1");
    private static final LWWRegisterKey<String> VOLATILE = new LWWRegisterKey<>("cluster-incarnation");

    private static ActorTestKit node(Path dir) {
        Config c = ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.cluster.distributed-data.durable.keys = ["lu-ctl-*"]
                pekko.cluster.distributed-data.durable.store-actor-class = "org.scstj.cluster.StateFileDurableStore"
                pekko.cluster.distributed-data.durable.state-file.dir = %s
                """.formatted(ConfigUtil.quoteString(dir.toString()))).withFallback(ConfigFactory.load());
        ActorTestKit kit = ActorTestKit.create("durable", c);
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        return kit;
    }

    private static Replicator.UpdateResponse<LWWRegister<String>> put(ActorTestKit kit, LWWRegisterKey<String> key,
                                                                      String value) throws Exception {
        SelfUniqueAddress self = DistributedData.get(kit.system()).selfUniqueAddress();
        ActorRef<Replicator.Command> replicator = DistributedData.get(kit.system()).replicator();
        return AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWRegister<String>>>ask(replicator,
                replyTo -> new Replicator.Update<>(key, LWWRegister.create(self, value), Replicator.writeLocal(),
                        replyTo, r -> r.withValue(self, value)), T, kit.scheduler()).toCompletableFuture().get();
    }

    private static Replicator.GetResponse<LWWRegister<String>> get(ActorTestKit kit, LWWRegisterKey<String> key)
            throws Exception {
        ActorRef<Replicator.Command> replicator = DistributedData.get(kit.system()).replicator();
        return AskPattern.<Replicator.Command, Replicator.GetResponse<LWWRegister<String>>>ask(replicator,
                replyTo -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo), T, kit.scheduler())
                .toCompletableFuture().get();
    }

    @Test
    void durableKey_survivesTheRestartOfTheActorSystem_volatileKeyDoesNot(@TempDir Path dir) throws Exception {
        ActorTestKit first = node(dir);
        try {
            assertInstanceOf(Replicator.UpdateSuccess.class, put(first, DURABLE, "epoch 7"));
            assertInstanceOf(Replicator.UpdateSuccess.class, put(first, VOLATILE, "incarnation a"));
            assertInstanceOf(Replicator.UpdateSuccess.class, put(first, DURABLE, "epoch 8"));
        } finally {
            ActorTestKit.shutdown(first.system(), T, false);
        }
        // one file, named after the key (the space escaped)
        assertTrue(Files.exists(dir.resolve("lu-ctl-disk%201.ddata")), () -> list(dir));
        ActorTestKit second = node(dir);
        try {
            Replicator.GetResponse<LWWRegister<String>> durable = get(second, DURABLE);
            assertInstanceOf(Replicator.GetSuccess.class, durable);
            assertEquals("epoch 8", ((Replicator.GetSuccess<LWWRegister<String>>) durable).get(DURABLE).getValue());
            assertInstanceOf(Replicator.NotFound.class, get(second, VOLATILE));
        } finally {
            ActorTestKit.shutdown(second.system(), T, false);
        }
    }

    @Test
    void tornOrDamagedFile_isRefusedByName(@TempDir Path dir) throws Exception {
        ActorTestKit kit = node(dir);
        try {
            assertInstanceOf(Replicator.UpdateSuccess.class, put(kit, DURABLE, "epoch 3"));
            SerializerWithStringManifest serializer = (SerializerWithStringManifest) SerializationExtension.get(
                    kit.system().classicSystem()).serializerFor(DurableStore.DurableDataEnvelope.class);
            Path file = dir.resolve("lu-ctl-disk%201.ddata");
            Map<String, DurableStore.DurableDataEnvelope> good = StateFileDurableStore.load(dir, serializer);
            assertEquals(java.util.Set.of("lu-ctl-disk 1"), good.keySet());

            // a leftover temporary file of an interrupted write is not a key
            Files.writeString(dir.resolve("lu-ctl-other.ddata.tmp"), "key=lu-ctl-oth");
            assertEquals(1, StateFileDurableStore.load(dir, serializer).size());

            byte[] whole = Files.readAllBytes(file);
            // torn: the end (and its check line) missing
            Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
            DurableStore.LoadFailed torn = assertThrows(DurableStore.LoadFailed.class,
                    () -> StateFileDurableStore.load(dir, serializer));
            assertTrue(torn.getMessage().contains(file.toString()), torn.getMessage());

            // damaged: one byte of the body changed, the check line kept
            byte[] flipped = whole.clone();
            flipped[20] ^= 0x01;
            Files.write(file, flipped);
            DurableStore.LoadFailed damaged = assertThrows(DurableStore.LoadFailed.class,
                    () -> StateFileDurableStore.load(dir, serializer));
            assertTrue(damaged.getMessage().contains(file.toString()) && damaged.getMessage().contains("check"),
                    damaged.getMessage());

            // a sound file under another key's name
            Files.write(file, whole);
            Files.move(file, dir.resolve("lu-ctl-else.ddata"));
            assertThrows(DurableStore.LoadFailed.class, () -> StateFileDurableStore.load(dir, serializer));
        } finally {
            ActorTestKit.shutdown(kit.system(), T, false);
        }
    }

    private static String list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList().toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
