package org.scstj.engine.dispatch;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the admin view reads of each dispatcher: its settings, and what its executor reports live. */
class DispatcherStatsTest {
    private static final ActorTestKit kit = ActorTestKit.create("dispatchers", ConfigFactory.parseString("""
            scstj.dispatchers {
              inline {
                type = Dispatcher
                executor = "org.scstj.engine.dispatch.InlineExecutorConfigurator"
                inline-executor { max-batch = 8, overflow-parallelism = 1 }
                throughput = 32
              }
              pool {
                type = Dispatcher
                executor = "thread-pool-executor"
                thread-pool-executor { fixed-pool-size = 2 }
                throughput = 1
              }
              broken { executor = "no.such.Executor" }
            }
            """).withFallback(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void eachDispatcher_showsItsSettingsActorsAndLiveState_andABrokenBlockDoesNotHideTheOthers() {
        TestProbe<String> probe = kit.createTestProbe();
        ActorRef<String> echo = kit.spawn(Behaviors.receive(String.class).onAnyMessage(m -> {
            probe.getRef().tell(m);
            return Behaviors.same();
        }).build(), "echo", DispatcherSelector.fromConfig("scstj.dispatchers.inline"));
        ActorRef<String> pooled = kit.spawn(Behaviors.receive(String.class).onAnyMessage(m -> {
            probe.getRef().tell(m);
            return Behaviors.same();
        }).build(), "pooled", DispatcherSelector.fromConfig("scstj.dispatchers.pool"));
        echo.tell("a");
        pooled.tell("b");
        probe.receiveSeveralMessages(2);

        List<DispatcherStats.Stats> all = DispatcherStats.all(kit.system());
        Map<String, DispatcherStats.Stats> byId = new java.util.HashMap<>();
        all.forEach(s -> byId.put(s.id(), s));

        DispatcherStats.Stats inline = byId.get("scstj.dispatchers.inline");
        assertEquals("inline", inline.executor());
        assertEquals(32, inline.throughput());
        assertEquals(8, inline.settings().get("max-batch"));
        assertEquals(1L, inline.actors());
        assertTrue((Long) inline.live().get("batches") >= 1, inline.toString());
        assertTrue(inline.live().containsKey("overflow-handoffs"), inline.toString());

        DispatcherStats.Stats pool = byId.get("scstj.dispatchers.pool");
        assertEquals("thread-pool-executor", pool.executor());
        assertEquals(2, pool.settings().get("fixed-pool-size"));
        assertEquals(1L, pool.actors());
        assertEquals(0, pool.live().get("queued"), pool.toString());
        assertTrue((Integer) pool.live().get("threads") >= 1, pool.toString());

        assertTrue(byId.get("scstj.dispatchers.broken").live().containsKey("error"));
        assertEquals("pekko.actor.default-dispatcher", all.getLast().id());
    }
}
