package org.scstj.engine.pr;

import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The reservation state of one logical unit, shared by every target and nexus that maps it (like
 * {@link org.scstj.engine.lu.MediumState}): the SPC-2 reservation (SPC-2 5.5.1) and the
 * persistent reservation's registrations, holder and type (SPC-5 5.14).
 *
 * <p>SPC-2 reservation: held by one I_T nexus, made by RESERVE(6)/(10) and ended by RELEASE from
 * the holder (SPC-2 7.17: a RELEASE from another nexus is GOOD and changes nothing), by a logical
 * unit reset or a target reset (SPC-2 5.5.1, "hard reset"), and by the loss of the holder's I_T
 * nexus. Every other nexus gets RESERVATION CONFLICT for a command its command-table row does not
 * allow under another nexus's SPC-2 reservation (SPC-2 5.5.1).
 *
 * <p>Persistent reservations: registrations are kept per {@link Registrant} (initiator port and
 * target port, or every target port), in registration order, with the PRGENERATION counter
 * (SPC-5 6.16.2). {@link #execute} runs one checked PERSISTENT RESERVE OUT as SPC-5 5.14.7 to
 * 5.14.11 say and returns which unit attentions to establish and which nexuses' tasks PREEMPT AND
 * ABORT aborts ({@link Result}); the conflicts of other commands follow the {@link ReservationClass}
 * each command-table row names. An SPC-2 reservation and a persistent reservation exclude each other
 * (SPC-5 5.14.1): RESERVE / RELEASE conflict while any registration exists.
 *
 * <p>A state machine over a value: {@link #of} starts it on a {@link ReservationsData},
 * {@link #toData} takes the state back, {@link #install} replaces it. It keeps nothing anywhere:
 * APTPL (SPC-5 5.14.4) is kept by whoever owns the LU's control state (on one node
 * {@code lu.LocalLuControl} writes a {@link ReservationFile} after each change), and the
 * consequences of a change for other nexuses are returned as data ({@link Notice},
 * {@link NexusSelector}).
 *
 * <p>Threads: the LUN actor owns it. Its check stage reads it for every command (a LU without
 * reservations costs one field read, {@link #idle}); every change (PERSISTENT RESERVE OUT, whose
 * parameter list arrives on a transport thread, RESERVE / RELEASE, resets, nexus loss) reaches it
 * through the LU's control port ({@code exec.LuControlPort}) on the actor's thread.
 */
public final class Reservations {

    /**
     * One consequence for the nexuses {@code to} selects: establish {@code condition} (if not null),
     * and abort their tasks (PREEMPT AND ABORT, SPC-5 5.14.11.4.5). Data only: the LUN actor
     * evaluates the selector over the nexuses it knows.
     */
    public record Notice(SenseReason condition, NexusSelector to, boolean abortTasks) {
    }

    /** A registration: who, and the reservation key. */
    public record Registration(Registrant who, long key) {
    }

    /** What a PERSISTENT RESERVE OUT did, and the unit attentions and aborts it leaves for the LUN actor. */
    public record Result(PrOut.Outcome outcome, List<Notice> notices) {
    }

    /** What PERSISTENT RESERVE IN reports (SPC-5 6.16). */
    public record Snapshot(int generation, List<Registration> registrations, PrType type, Registration holder,
                           boolean aptpl) {
    }

    private final List<Registration> registrations = new ArrayList<>();
    private int generation;
    /** The persistent reservation's type, or null when there is none. */
    private PrType type;
    /** The holder for a type other than ALL REGISTRANTS (SPC-5 5.14.10). */
    private Registrant holder;
    private boolean aptpl;
    /** The SPC-2 holder, or null. */
    private Nexus spc2Holder;
    /** Anything reserved: the check stage's fast path. */
    private boolean engaged;

    /** Nothing is reserved: no command can conflict. */
    public boolean idle() {
        return !engaged;
    }

    /**
     * The check stage (SAM-5 5.14 order: after unit attention, before write protection): true if a
     * command of class {@code c} from {@code nexus} must end in RESERVATION CONFLICT;
     * {@code allowedUnderSpc2} when the command may run under another nexus's SPC-2 reservation.
     */
    public boolean conflicts(Nexus nexus, ReservationClass c, boolean allowedUnderSpc2) {
        if (spc2Holder != null && !spc2Holder.equals(nexus)) {
            return !allowedUnderSpc2;
        }
        if (c == ReservationClass.SPC2_RESERVATION) {
            return !registrations.isEmpty() || type != null; // SPC-5 5.14.1
        }
        if (type == null) {
            return false;
        }
        Registration r = find(nexus);
        if (r != null && holds(r)) {
            return false;
        }
        return !c.allowed(type, r != null);
    }

    /** The SPC-2 holder, or null. */
    public Nexus spc2Holder() {
        return spc2Holder;
    }

    /**
     * SPC-2 7.21 RESERVE: reserves the LU for {@code nexus}; a RESERVE from the holder is GOOD
     * again (SPC-2 7.21.1: "superseding"). False when another nexus holds it (RESERVATION CONFLICT).
     */
    public boolean reserve(Nexus nexus) {
        if (spc2Holder != null && !spc2Holder.equals(nexus) || !registrations.isEmpty() || type != null) {
            return false;
        }
        spc2Holder = nexus;
        update();
        return true;
    }

    /** SPC-2 7.17 RELEASE: ends the reservation if {@code nexus} holds it; from another nexus, nothing changes. */
    public void release(Nexus nexus) {
        if (nexus.equals(spc2Holder)) {
            spc2Holder = null;
            update();
        }
    }

    /** LOGICAL UNIT RESET, target reset (SPC-2 5.5.1): the SPC-2 reservation ends. */
    public void reset() {
        spc2Holder = null;
        update();
    }

    /** The I_T nexus is gone or was reset (SPC-2 5.5.1): its SPC-2 reservation ends. */
    public void nexusLost(Nexus nexus) {
        if (nexus.equals(spc2Holder)) {
            spc2Holder = null;
            update();
        }
    }

    // --- persistent reservations -----------------------------------------------------------

    /** No registrations, no reservation, PRGENERATION 0. */
    public Reservations() {
    }

    /** The state machine started on {@code data}. */
    public static Reservations of(ReservationsData data) {
        Reservations r = new Reservations();
        r.install(data);
        return r;
    }

    /**
     * Replaces the whole state with {@code data} (one made by this state machine, here or where
     * the LU's control state is kept, or read from a {@link ReservationFile}).
     */
    public void install(ReservationsData data) {
        registrations.clear();
        registrations.addAll(data.registrations());
        generation = data.generation();
        type = data.type();
        holder = data.holder();
        aptpl = data.aptpl();
        spc2Holder = data.spc2Holder();
        update();
    }

    /** The whole state as a value. */
    public ReservationsData toData() {
        return new ReservationsData(registrations, generation, type, holder, aptpl, spc2Holder);
    }

    /** What PERSISTENT RESERVE IN reports. */
    public Snapshot snapshot() {
        Registration h = null;
        if (type != null && !type.allRegistrants()) {
            for (Registration r : registrations) {
                if (r.who().equals(holder)) {
                    h = r;
                    break;
                }
            }
        }
        return new Snapshot(generation, List.copyOf(registrations), type, h, aptpl);
    }

    /** The registration of {@code nexus}, or null. */
    public Registration registrationOf(Nexus nexus) {
        return find(nexus);
    }

    /**
     * Runs one checked PERSISTENT RESERVE OUT from {@code nexus} (SPC-5 5.14.7 - 5.14.11, 6.17).
     * Nothing changes unless the outcome is GOOD.
     */
    public Result execute(Nexus nexus, PrOut out) {
        List<Notice> notices = new ArrayList<>(2);
        boolean aptplBefore = aptpl;
        PrOut.Outcome outcome = switch (out.serviceAction()) {
            case PrOut.REGISTER, PrOut.REGISTER_AND_IGNORE_EXISTING_KEY -> register(nexus, out, notices);
            case PrOut.RESERVE -> reservePersistent(nexus, out);
            case PrOut.RELEASE -> releasePersistent(nexus, out, notices);
            case PrOut.CLEAR -> clear(nexus, out, notices);
            case PrOut.PREEMPT, PrOut.PREEMPT_AND_ABORT -> preempt(nexus, out, notices);
            case PrOut.REGISTER_AND_MOVE -> move(nexus, out);
            default -> PrOut.Outcome.INVALID_SCOPE_OR_TYPE;
        };
        if (outcome != PrOut.Outcome.GOOD) {
            aptpl = aptplBefore;
        }
        update();
        return new Result(outcome, List.copyOf(notices));
    }

    /** SPC-5 5.14.7 registering, 5.14.11.2.3 unregistering; REGISTER AND IGNORE EXISTING KEY too. */
    private PrOut.Outcome register(Nexus nexus, PrOut out, List<Notice> notices) {
        boolean ignore = out.serviceAction() == PrOut.REGISTER_AND_IGNORE_EXISTING_KEY;
        Registration mine = find(nexus);
        if (mine == null) {
            if (!ignore && out.key() != 0) {
                return PrOut.Outcome.CONFLICT;
            }
            if (out.specIPt() && ignore) {
                return PrOut.Outcome.INVALID_PARAMETER;
            }
            if (out.serviceActionKey() == 0) {
                return out.specIPt() ? PrOut.Outcome.INVALID_PARAMETER : PrOut.Outcome.GOOD;
            }
            List<Registration> added = new ArrayList<>();
            added.add(new Registration(Registrant.of(nexus, out.allTgPt()), out.serviceActionKey()));
            if (out.specIPt()) {
                for (Registrant r : out.transportIds()) {
                    Registrant at = new Registrant(r.initiatorName(), r.isid(), nexus.relativeTargetPortId(),
                            out.allTgPt());
                    for (Registration a : added) {
                        if (a.who().sameAs(at)) {
                            return PrOut.Outcome.INVALID_PARAMETER; // named twice, or the issuer itself
                        }
                    }
                    for (Registration e : registrations) {
                        if (e.who().sameAs(at)) {
                            return PrOut.Outcome.INVALID_PARAMETER; // SPC-5 5.14.7: already registered
                        }
                    }
                    added.add(new Registration(at, out.serviceActionKey()));
                }
            }
            registrations.addAll(added);
            aptpl = out.aptpl();
            generation++;
            return PrOut.Outcome.GOOD;
        }
        if (!ignore && out.key() != mine.key()) {
            return PrOut.Outcome.CONFLICT;
        }
        if (out.specIPt()) {
            return PrOut.Outcome.INVALID_PARAMETER;
        }
        if (out.serviceActionKey() == 0) {
            unregister(mine, notices);
        } else {
            registrations.set(registrations.indexOf(mine), new Registration(mine.who(), out.serviceActionKey()));
        }
        aptpl = out.aptpl();
        generation++;
        return PrOut.Outcome.GOOD;
    }

    /**
     * SPC-5 5.14.11.2.3: removing the holder's registration releases a reservation that is not
     * ALL REGISTRANTS (RESERVATIONS RELEASED to the other registrants for REGISTRANTS ONLY); an ALL
     * REGISTRANTS reservation ends with its last registrant.
     */
    private void unregister(Registration r, List<Notice> notices) {
        registrations.remove(r);
        if (type == null) {
            return;
        }
        if (type.allRegistrants() ? registrations.isEmpty() : r.who().equals(holder)) {
            PrType was = type;
            releaseReservation();
            if (was.sharing() == PrType.Sharing.REGISTRANTS_ONLY && !registrations.isEmpty()) {
                notices.add(new Notice(SenseReason.RESERVATIONS_RELEASED, registered(null), false));
            }
        }
    }

    /** SPC-5 5.14.9: creating a persistent reservation. */
    private PrOut.Outcome reservePersistent(Nexus nexus, PrOut out) {
        Registration mine = find(nexus);
        if (mine == null || mine.key() != out.key()) {
            return PrOut.Outcome.CONFLICT;
        }
        PrType t = PrType.of(out.type());
        if (out.scope() != 0 || t == null) {
            return PrOut.Outcome.INVALID_SCOPE_OR_TYPE;
        }
        if (type != null) {
            // the holder reserving again with the same type and scope: GOOD, nothing changes
            return holds(mine) && type == t ? PrOut.Outcome.GOOD : PrOut.Outcome.CONFLICT;
        }
        type = t;
        holder = t.allRegistrants() ? null : mine.who();
        return PrOut.Outcome.GOOD;
    }

    /** SPC-5 5.14.11.2.2: releasing. */
    private PrOut.Outcome releasePersistent(Nexus nexus, PrOut out, List<Notice> notices) {
        Registration mine = find(nexus);
        if (mine == null || mine.key() != out.key()) {
            return PrOut.Outcome.CONFLICT;
        }
        if (type == null || !holds(mine)) {
            return PrOut.Outcome.GOOD;
        }
        if (out.scope() != 0 || out.type() != type.code()) {
            return PrOut.Outcome.INVALID_RELEASE;
        }
        PrType was = type;
        releaseReservation();
        if (was.sharing() != PrType.Sharing.NONE) {
            notices.add(new Notice(SenseReason.RESERVATIONS_RELEASED, registered(nexus), false));
        }
        return PrOut.Outcome.GOOD;
    }

    /** SPC-5 5.14.11.2.6: CLEAR ends the reservation and every registration. */
    private PrOut.Outcome clear(Nexus nexus, PrOut out, List<Notice> notices) {
        Registration mine = find(nexus);
        if (mine == null || mine.key() != out.key()) {
            return PrOut.Outcome.CONFLICT;
        }
        notices.add(new Notice(SenseReason.RESERVATIONS_PREEMPTED, registered(nexus), false));
        registrations.clear();
        releaseReservation();
        generation++;
        return PrOut.Outcome.GOOD;
    }

    /** SPC-5 5.14.11.4 PREEMPT, 5.14.11.4.5 PREEMPT AND ABORT. */
    private PrOut.Outcome preempt(Nexus nexus, PrOut out, List<Notice> notices) {
        Registration mine = find(nexus);
        if (mine == null || mine.key() != out.key()) {
            return PrOut.Outcome.CONFLICT;
        }
        boolean abort = out.serviceAction() == PrOut.PREEMPT_AND_ABORT;
        long victim = out.serviceActionKey();
        PrType t = PrType.of(out.type());
        if (type != null && type.allRegistrants() && victim == 0) {
            // 5.14.11.4.3: every other registration goes, the issuer holds a new reservation
            if (out.scope() != 0 || t == null) {
                return PrOut.Outcome.INVALID_SCOPE_OR_TYPE;
            }
            List<Registration> gone = removeAll(r -> r != mine);
            preempted(gone, abort, notices);
            type = t;
            holder = t.allRegistrants() ? null : mine.who();
            generation++;
            return PrOut.Outcome.GOOD;
        }
        boolean holderPreempted = type != null && !type.allRegistrants() && holderKey() == victim;
        if (holderPreempted) {
            // 5.14.11.4.4: the holder's key: its registrations go, the issuer holds a new reservation
            if (out.scope() != 0 || t == null) {
                return PrOut.Outcome.INVALID_SCOPE_OR_TYPE;
            }
            List<Registration> gone = removeAll(r -> r.key() == victim && r != mine);
            preempted(gone, abort, notices);
            PrType was = type;
            type = t;
            holder = t.allRegistrants() ? null : mine.who();
            if (was != t || !gone.isEmpty()) {
                List<Registration> still = new ArrayList<>(registrations);
                still.remove(mine);
                if (was != t && !still.isEmpty()) {
                    notices.add(new Notice(SenseReason.RESERVATIONS_RELEASED, whoOf(still, null), false));
                }
            }
            generation++;
            return PrOut.Outcome.GOOD;
        }
        // 5.14.11.4.2: no reservation, or a key that is not the holder's: registrations only
        if (victim == 0) {
            return PrOut.Outcome.INVALID_PARAMETER;
        }
        List<Registration> gone = removeAll(r -> r.key() == victim && r != mine);
        if (gone.isEmpty()) {
            return PrOut.Outcome.CONFLICT;
        }
        preempted(gone, abort, notices);
        if (type != null && type.allRegistrants() && registrations.isEmpty()) {
            releaseReservation();
        }
        generation++;
        return PrOut.Outcome.GOOD;
    }

    /** SPC-5 5.14.11.5 REGISTER AND MOVE: the reservation and a registration go to another I_T nexus. */
    private PrOut.Outcome move(Nexus nexus, PrOut out) {
        Registration mine = find(nexus);
        if (mine == null || mine.key() != out.key()) {
            return PrOut.Outcome.CONFLICT;
        }
        if (type == null || type.allRegistrants() || !mine.who().equals(holder)) {
            return PrOut.Outcome.CONFLICT;
        }
        if (out.serviceActionKey() == 0 || out.transportIds().size() != 1) {
            return PrOut.Outcome.INVALID_PARAMETER;
        }
        Registrant r = out.transportIds().getFirst();
        Registrant dest = new Registrant(r.initiatorName(), r.isid(), out.relativeTargetPortId(), false);
        if (dest.sameAs(mine.who())) {
            return PrOut.Outcome.INVALID_PARAMETER;
        }
        Registration existing = null;
        for (Registration e : registrations) {
            if (e.who().sameAs(dest)) {
                existing = e;
            }
        }
        Registration moved = new Registration(existing != null ? existing.who() : dest, out.serviceActionKey());
        if (existing != null) {
            registrations.set(registrations.indexOf(existing), moved);
        } else {
            registrations.add(moved);
        }
        holder = moved.who();
        if (out.unreg()) {
            registrations.remove(mine);
        }
        aptpl = out.aptpl();
        generation++;
        return PrOut.Outcome.GOOD;
    }

    private void preempted(List<Registration> gone, boolean abort, List<Notice> notices) {
        if (gone.isEmpty()) {
            return;
        }
        notices.add(new Notice(SenseReason.REGISTRATIONS_PREEMPTED, whoOf(gone, null), abort));
    }

    private List<Registration> removeAll(Predicate<Registration> which) {
        List<Registration> gone = new ArrayList<>();
        for (var it = registrations.iterator(); it.hasNext(); ) {
            Registration r = it.next();
            if (which.test(r)) {
                it.remove();
                gone.add(r);
            }
        }
        return gone;
    }

    private long holderKey() {
        for (Registration r : registrations) {
            if (r.who().equals(holder)) {
                return r.key();
            }
        }
        return 0;
    }

    private void releaseReservation() {
        type = null;
        holder = null;
    }

    /** Registered nexuses but {@code except}, as the registrations are now. */
    private NexusSelector registered(Nexus except) {
        return whoOf(registrations, except);
    }

    /** The nexuses of {@code regs} but {@code except}. */
    private static NexusSelector whoOf(List<Registration> regs, Nexus except) {
        return new NexusSelector.Registered(regs.stream().map(Registration::who).toList(), except);
    }

    private Registration find(Nexus nexus) {
        for (Registration r : registrations) {
            if (r.who().matches(nexus)) {
                return r;
            }
        }
        return null;
    }

    private boolean holds(Registration r) {
        return type != null && (type.allRegistrants() || r.who().equals(holder));
    }

    private void update() {
        engaged = spc2Holder != null || !registrations.isEmpty();
    }
}
