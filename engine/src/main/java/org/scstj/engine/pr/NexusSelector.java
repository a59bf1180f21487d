package org.scstj.engine.pr;

import org.scstj.engine.spi.Nexus;

import java.util.List;
import java.util.function.Predicate;

/**
 * Which I_T nexuses a {@link Reservations.Notice} is for, as data rather than code, so that the
 * notices of one change can be carried to wherever the nexuses are (the LUN actor of this node
 * evaluates it with {@link #test} over the nexuses it knows). Each selector is a plain record of
 * records.
 */
public sealed interface NexusSelector extends Predicate<Nexus> {
    /** Every nexus of the LU. */
    record All() implements NexusSelector {
        @Override
        public boolean test(Nexus n) {
            return true;
        }
    }

    /** Every nexus of the LU but {@code except}. */
    record AllBut(Nexus except) implements NexusSelector {
        @Override
        public boolean test(Nexus n) {
            return !n.equals(except);
        }
    }

    /**
     * The nexuses that {@code who} (registrations as they were when the notice was made: still
     * registered, or just preempted) matches (SPC-5 5.14.7: an I_T nexus is registered through a
     * {@link Registrant}), but {@code except} (null: none excepted).
     */
    record Registered(List<Registrant> who, Nexus except) implements NexusSelector {
        public Registered {
            who = List.copyOf(who);
        }

        @Override
        public boolean test(Nexus n) {
            if (n.equals(except)) {
                return false;
            }
            for (Registrant r : who) {
                if (r.matches(n)) {
                    return true;
                }
            }
            return false;
        }
    }
}
