package org.scstj.cluster;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three coordinators on one (local) actor system, each with its own scripted view of the
 * membership and an installer that behaves as the LUN actor does (a changing group is
 * TRANSITIONING for the transition delay, then in its new state). The invariant checked at every
 * change: at most one node has its own group active/optimized.
 */
class AluaCoordinatorTest {
    private static final Duration DELAY = Duration.ofMillis(150);
    private static final AluaOwnership.OwnedGroup DB = new AluaOwnership.OwnedGroup("db", List.of("n1", "n2", "n3"), true);
    private final ActorTestKit kit = ActorTestKit.create();
    /** Per node: its view (Up oldest first, other live members). */
    private final Map<String, List<String>> up = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> others = new ConcurrentHashMap<>();
    /** Per node: the members its failure detector marks unreachable. */
    private final Map<String, Set<String>> unreachable = new ConcurrentHashMap<>();
    /** Per node: the unreachable owners of every install, in order. */
    private final Map<String, List<Set<String>>> waits = new ConcurrentHashMap<>();
    /** Per node: whether its own group is active/optimized now. */
    private final Map<String, Boolean> optimized = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    /** Per node: the owners of every install, in order. */
    private final Map<String, List<Map<String, String>>> installs = new ConcurrentHashMap<>();
    private final Map<String, ActorRef<AluaCoordinator.Command>> coordinators = new HashMap<>();

    @AfterEach
    void down() {
        kit.shutdownTestKit();
    }

    private synchronized void set(String node, boolean ao) {
        optimized.put(node, ao);
        long n = optimized.values().stream().filter(b -> b).count();
        if (n > 1) {
            violations.add(optimized.toString());
        }
    }

    private void start(String node) {
        optimized.put(node, false);
        AluaCoordinator.Members members = new AluaCoordinator.Members() {
            @Override
            public List<String> upOldestFirst() {
                return up.getOrDefault(node, List.of());
            }

            @Override
            public Set<String> others() {
                return others.getOrDefault(node, Set.of());
            }

            @Override
            public Set<String> unreachable() {
                return unreachable.getOrDefault(node, Set.of());
            }
        };
        AluaCoordinator.Installer installer = (owners, upNow, waiting) -> {
            installs.computeIfAbsent(node, k -> new CopyOnWriteArrayList<>()).add(owners);
            waits.computeIfAbsent(node, k -> new CopyOnWriteArrayList<>()).add(waiting);
            boolean target = node.equals(owners.get("db"));
            if (target == optimized.get(node)) {
                return CompletableFuture.completedFuture(null);
            }
            set(node, false); // TRANSITIONING
            return CompletableFuture.runAsync(() -> set(node, target),
                    CompletableFuture.delayedExecutor(DELAY.toMillis(), TimeUnit.MILLISECONDS));
        };
        coordinators.put(node, kit.spawn(AluaCoordinator.create(node, List.of(DB), members, installer), node));
    }

    private void view(String node, List<String> upOldestFirst, Set<String> live) {
        up.put(node, upOldestFirst);
        others.put(node, live);
    }

    private void allSee(List<String> upOldestFirst) {
        for (String n : List.of("n1", "n2", "n3")) {
            Set<String> live = new java.util.HashSet<>(upOldestFirst);
            live.remove(n);
            view(n, upOldestFirst, live);
        }
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within 5 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private String holder() {
        return optimized.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).findFirst().orElse(null);
    }

    @Test
    void firstPreferredOwns_thenTheNextWhenItIsRemoved() throws Exception {
        allSee(List.of("n1", "n2", "n3"));
        start("n1");
        start("n2");
        start("n3");
        await("n1 active/optimized", () -> "n1".equals(holder()));
        // kill -9 of n1: it is gone (fenced before the others removed it); they see it removed
        kit.stop(coordinators.get("n1"));
        set("n1", false);
        int before = installs.get("n2").size();
        view("n2", List.of("n2", "n3"), Set.of("n3"));
        view("n3", List.of("n2", "n3"), Set.of("n2"));
        await("n2 active/optimized", () -> "n2".equals(holder()));
        assertEquals(List.of(), violations);
        assertEquals(List.of(Map.of("db", "n2")), installs.get("n2").subList(before, installs.get("n2").size()),
                "one change, straight to the promotion (the claim was answered within the grace)");
    }

    @Test
    void anUnreachableOwner_makesTheStandbyPathsTransitioning_untilItIsBackOrRemoved() throws Exception {
        allSee(List.of("n1", "n2", "n3"));
        start("n1");
        start("n2");
        start("n3");
        await("n1 active/optimized", () -> "n1".equals(holder()));
        // n2 and n3 lose contact with n1: still Up, not downed yet (design 5.4 step 1)
        unreachable.put("n2", Set.of("n1"));
        unreachable.put("n3", Set.of("n1"));
        await("n2 and n3 install with n1 unreachable", () -> last(waits.get("n2")).equals(Set.of("n1"))
                && last(waits.get("n3")).equals(Set.of("n1")));
        assertEquals(Map.of("db", "n1"), last(installs.get("n2")), "the owner does not change on unreachability alone");
        assertEquals("n1", holder());
        // n1 reachable again: back to plain standby
        unreachable.clear();
        await("n2 and n3 drop the transition", () -> last(waits.get("n2")).isEmpty() && last(waits.get("n3")).isEmpty());
        // unreachable, then removed: the next node is promoted and nothing waits any more
        unreachable.put("n2", Set.of("n1"));
        unreachable.put("n3", Set.of("n1"));
        await("waiting again", () -> last(waits.get("n2")).equals(Set.of("n1")));
        kit.stop(coordinators.get("n1"));
        set("n1", false);
        unreachable.clear();
        view("n2", List.of("n2", "n3"), Set.of("n3"));
        view("n3", List.of("n2", "n3"), Set.of("n2"));
        await("n2 active/optimized", () -> "n2".equals(holder()));
        await("nothing waits", () -> last(waits.get("n3")).isEmpty());
        assertEquals(List.of(), violations);
        // a member unreachable that owns nothing changes nothing
        int before = installs.get("n2").size();
        unreachable.put("n2", Set.of("n3"));
        Thread.sleep(400);
        assertEquals(before, installs.get("n2").size(), "n3 owns nothing: no install on n2");
    }

    private static <T> T last(List<T> list) {
        return list == null || list.isEmpty() ? null : list.get(list.size() - 1);
    }

    @Test
    void newPreferredNodes_moveTheGroup_oneAtATime() throws Exception {
        allSee(List.of("n1", "n2", "n3"));
        start("n1");
        start("n2");
        start("n3");
        await("n1 active/optimized", () -> "n1".equals(holder()));
        AluaOwnership.OwnedGroup moved = new AluaOwnership.OwnedGroup("db", List.of("n3", "n1"), true);
        // a reload reaches n3 first: it claims, n1 still holds, nothing moves
        coordinators.get("n3").tell(new AluaCoordinator.SetGroups(List.of(moved)));
        Thread.sleep(600);
        assertEquals("n1", holder(), "n1 has not read the new file: it keeps the group, n3 waits");
        coordinators.get("n1").tell(new AluaCoordinator.SetGroups(List.of(moved)));
        coordinators.get("n2").tell(new AluaCoordinator.SetGroups(List.of(moved)));
        await("n3 active/optimized", () -> "n3".equals(holder()));
        assertEquals(List.of(), violations);
    }

    @Test
    void anUnansweringMemberBlocksThePromotion() throws Exception {
        allSee(List.of("n1", "n2", "n3"));
        start("n2");
        start("n3");
        // n2 sees n1 live (Up, unreachable: it answers nothing) but, say, its preferred order gives n2 (n1 not Up)
        view("n2", List.of("n2", "n3"), Set.of("n1", "n3"));
        view("n3", List.of("n2", "n3"), Set.of("n1", "n2"));
        Thread.sleep(800);
        assertEquals(null, holder(), "n1 never answered: no promotion");
        view("n2", List.of("n2", "n3"), Set.of("n3")); // n1 downed and removed
        await("n2 active/optimized", () -> "n2".equals(holder()));
        assertEquals(List.of(), violations);
    }

    @Test
    void failbackWaitsUntilTheOldOwnerDemoted_evenWhenViewsDisagree() throws Exception {
        view("n2", List.of("n2", "n3"), Set.of("n3"));
        view("n3", List.of("n2", "n3"), Set.of("n2"));
        start("n2");
        start("n3");
        await("n2 active/optimized", () -> "n2".equals(holder()));
        // n1 comes back: it sees itself Up first (failback on), n2 and n3 have not seen it Up yet
        view("n1", List.of("n2", "n3", "n1"), Set.of("n2", "n3"));
        start("n1");
        Thread.sleep(800);
        assertEquals("n2", holder(), "n2 still claims the group: n1 waits");
        view("n2", List.of("n2", "n3", "n1"), Set.of("n1", "n3"));
        view("n3", List.of("n2", "n3", "n1"), Set.of("n1", "n2"));
        await("n1 active/optimized", () -> "n1".equals(holder()));
        assertEquals(List.of(), violations);
    }

    @Test
    void handOver_demotesBeforeAnswering_thenTheNextOwnerPromotes() throws Exception {
        allSee(List.of("n1", "n2", "n3"));
        start("n1");
        start("n2");
        start("n3");
        await("n1 active/optimized", () -> "n1".equals(holder()));
        long t0 = System.nanoTime();
        CompletableFuture<Object> done = new CompletableFuture<>();
        ActorRef<org.apache.pekko.Done> probe = kit.spawn(org.apache.pekko.actor.typed.javadsl.Behaviors.receive(
                org.apache.pekko.Done.class).onAnyMessage(d -> {
                    done.complete(optimized.get("n1"));
                    return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
                }).build());
        coordinators.get("n1").tell(new AluaCoordinator.HandOver(probe));
        assertEquals(false, done.get(5, TimeUnit.SECONDS), "answered once n1 is no longer active/optimized");
        // n2 promotes on n1's announcement, before anyone sees n1 Leaving
        await("n2 active/optimized", () -> "n2".equals(holder()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 2000, "hand-over " + ms + " ms");
        assertFalse(optimized.get("n1"));
        assertEquals(List.of(), violations);
    }
}
