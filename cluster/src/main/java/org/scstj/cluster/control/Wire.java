package org.scstj.cluster.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.scstj.cluster.CborSerializable;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ControlResult;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.pr.NexusSelector;
import org.scstj.engine.pr.PrOut;
import org.scstj.engine.pr.Registrant;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.util.List;

/**
 * The engine's control-state values as they cross nodes: the same records, with the type names
 * Jackson needs for the sealed interfaces ({@link ControlOp}, {@link NexusSelector},
 * {@link ControlResult}), which the engine keeps free of serialization. Each converts both ways.
 */
public final class Wire {
    private Wire() {
    }

    /** A {@link ControlOp} the single writer runs. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({@JsonSubTypes.Type(value = PrOutOp.class, name = "pr-out"),
            @JsonSubTypes.Type(value = ReserveOp.class, name = "reserve"),
            @JsonSubTypes.Type(value = ReleaseOp.class, name = "release"),
            @JsonSubTypes.Type(value = ResetOp.class, name = "reset"),
            @JsonSubTypes.Type(value = NexusLostOp.class, name = "nexus-lost"),
            @JsonSubTypes.Type(value = ModeSelectOp.class, name = "mode-select"),
            @JsonSubTypes.Type(value = ClearTaskSetOp.class, name = "clear-task-set")})
    public sealed interface Op {
        /**
         * The wire form of {@code op} asked on node {@code node}; null for an operation this plane
         * keeps local (the access states, which the cluster's ALUA coordinator decides).
         */
        static Op of(ControlOp op, String node) {
            return switch (op) {
                case ControlOp.PrOut p -> new PrOutOp(p.nexus(), p.tag(), p.out());
                case ControlOp.Reserve r -> new ReserveOp(r.nexus());
                case ControlOp.Release r -> new ReleaseOp(r.nexus());
                case ControlOp.Reset r -> new ResetOp(node, r.restored());
                case ControlOp.NexusLost n -> new NexusLostOp(n.nexus());
                case ControlOp.ModeSelect m -> new ModeSelectOp(m.nexus(), m.values(), m.save(), m.before());
                case ControlOp.ClearTaskSet c -> new ClearTaskSetOp(c.nexus(), node);
                case ControlOp.SetTargetPortGroups s -> null;
            };
        }
    }

    /** SPC-5 6.17 PERSISTENT RESERVE OUT from {@code nexus}, its own task {@code tag}. */
    public record PrOutOp(Nexus nexus, long tag, PrOut out) implements Op {
    }

    /** SPC-2 7.21 RESERVE. */
    public record ReserveOp(Nexus nexus) implements Op {
    }

    /** SPC-2 7.17 RELEASE. */
    public record ReleaseOp(Nexus nexus) implements Op {
    }

    /**
     * A logical unit or target reset on node {@code node} (SAM-5 7.7): the SPC-2 reservation ends
     * (SPC-2 5.5.1); every other node aborts the LU's tasks and establishes 29/03 for its nexuses,
     * which {@code node}'s LUN actor did itself. {@code restored} (null: the device keeps its own,
     * pass-through) are the mode parameters the reset left on {@code node}: the saved values
     * become current everywhere (SPC-5 7.5.2).
     */
    public record ResetOp(String node, ModeParameters.Data restored) implements Op {
    }

    /**
     * SPC-5 6.11 / 6.12 MODE SELECT from {@code nexus}: {@code values} become current, and saved
     * too with {@code save}; {@code before} is what the asking node had, the base when the record
     * keeps no mode values yet.
     */
    public record ModeSelectOp(Nexus nexus, ModeParameters.Values values, boolean save, ModeParameters.Data before)
            implements Op {
    }

    /**
     * SAM-5 7.5 CLEAR TASK SET from {@code nexus} on node {@code node} (one task set for all
     * nexuses): every other node aborts the LU's tasks and raises 2F/00 for its nexuses it hit,
     * which {@code node}'s LUN actor did itself.
     */
    public record ClearTaskSetOp(Nexus nexus, String node) implements Op {
    }

    /** I_T nexus loss: its SPC-2 reservation ends (SPC-2 5.5.1). */
    public record NexusLostOp(Nexus nexus) implements Op {
    }

    /** A {@link NexusSelector}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({@JsonSubTypes.Type(value = AllSelector.class, name = "all"),
            @JsonSubTypes.Type(value = AllButSelector.class, name = "all-but"),
            @JsonSubTypes.Type(value = RegisteredSelector.class, name = "registered")})
    public sealed interface Selector {
        NexusSelector toSelector();

        static Selector of(NexusSelector s) {
            return switch (s) {
                case NexusSelector.All a -> new AllSelector();
                case NexusSelector.AllBut a -> new AllButSelector(a.except());
                case NexusSelector.Registered r -> new RegisteredSelector(r.who(), r.except());
            };
        }
    }

    public record AllSelector() implements Selector {
        @Override
        public NexusSelector toSelector() {
            return new NexusSelector.All();
        }
    }

    public record AllButSelector(Nexus except) implements Selector {
        @Override
        public NexusSelector toSelector() {
            return new NexusSelector.AllBut(except);
        }
    }

    public record RegisteredSelector(List<Registrant> who, Nexus except) implements Selector {
        @Override
        public NexusSelector toSelector() {
            return new NexusSelector.Registered(who, except);
        }
    }

    /** A {@link Reservations.Notice}: the unit attention {@code condition} (null: none) for the selected nexuses. */
    public record Notice(SenseReason condition, Selector to, boolean abortTasks) {
        public static Notice of(Reservations.Notice n) {
            return new Notice(n.condition(), Selector.of(n.to()), n.abortTasks());
        }

        public Reservations.Notice toNotice() {
            return new Reservations.Notice(condition, to.toSelector(), abortTasks);
        }
    }

    /** A {@link ControlResult}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({@JsonSubTypes.Type(value = DoneResult.class, name = "done"),
            @JsonSubTypes.Type(value = RefusedResult.class, name = "refused"),
            @JsonSubTypes.Type(value = FailedResult.class, name = "failed")})
    public sealed interface Result extends CborSerializable {
        ControlResult toResult();
    }

    public record DoneResult() implements Result {
        @Override
        public ControlResult toResult() {
            return ControlResult.DONE;
        }
    }

    public record RefusedResult(PrOut.Outcome outcome) implements Result {
        @Override
        public ControlResult toResult() {
            return new ControlResult.Refused(outcome);
        }
    }

    public record FailedResult(SenseReason reason) implements Result {
        @Override
        public ControlResult toResult() {
            return new ControlResult.Failed(reason);
        }
    }
}
