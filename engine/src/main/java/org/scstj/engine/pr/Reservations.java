package org.scstj.engine.pr;

import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.state.StateFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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
 * <p>APTPL (SPC-5 5.14.4): with a {@link StateFile} (the daemon's {@code state-dir}), a PERSISTENT
 * RESERVE OUT with APTPL 1 has the registrations and the reservation written crash-safely before
 * it completes ({@link #persist}); they are restored when the LU is created again. A torn or
 * corrupt file is reported ({@link #loadProblem}) and none of it is applied.
 *
 * <p>Threads: the LUN actor owns it. Its check stage reads it for every command (a LU without
 * reservations costs one field read, {@link #idle}); resets and nexus loss change it there; a
 * PERSISTENT RESERVE OUT, whose parameter list arrives on a transport thread, is handed to the actor
 * and runs there ({@code exec.ExecContext#withState}). Only the state file is written elsewhere, on
 * the blocking executor, from a copy taken on the actor's thread ({@link #persist}).
 */
public final class Reservations {

    /**
     * One consequence for the nexuses {@code to} matches: establish {@code condition} (if not null),
     * and abort their tasks (PREEMPT AND ABORT, SPC-5 5.14.11.4.5).
     */
    public record Notice(SenseReason condition, Predicate<Nexus> to, boolean abortTasks) {
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
    /** What the state file says about APTPL (a file with APTPL 1 must be overwritten when it goes to 0). */
    private boolean persistedAptpl;
    private final StateFile store;
    private final Executor io;
    private final String loadProblem;
    /** The last state-file write handed to the blocking executor: each write starts after the one before. */
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

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

    /** Reservations that are never kept across a restart (the daemon has no state directory). */
    public Reservations() {
        this.store = null;
        this.io = null;
        this.loadProblem = null;
    }

    /**
     * Reservations kept in {@code store} when APTPL asks for it (SPC-5 5.14.4), written on
     * {@code io} (the engine's blocking executor): what the file holds, if it is intact and
     * well-formed, becomes the current state; otherwise nothing of it is applied and
     * {@link #loadProblem} says why.
     */
    public Reservations(StateFile store, Executor io) {
        this.store = store;
        this.io = io;
        String problem = null;
        try {
            Optional<String> text = store.read();
            if (text.isPresent()) {
                restore(text.get());
            }
        } catch (IOException | IllegalArgumentException e) {
            problem = e.getMessage();
        }
        this.loadProblem = problem;
        update();
    }

    /** Why the saved state could not be used at start (then the LU starts with none), or null. */
    public String loadProblem() {
        return loadProblem;
    }

    /** SPC-5 5.14.4: this LU can keep its persistent reservations across power loss (PTPL_C). */
    public boolean persistable() {
        return store != null;
    }

    /**
     * After a PERSISTENT RESERVE OUT that changed the state: writes it crash-safely
     * ({@link StateFile}) on the blocking executor if APTPL is (or was, so the file must now say
     * there is nothing to keep) set; the stage completes when it is durable (exceptionally when
     * the write failed), at once when there is nothing to write. Called on the owner's thread,
     * which takes the copy to write; writes of successive states never overtake each other.
     */
    public CompletionStage<Void> persist() {
        if (store == null || !aptpl && !persistedAptpl) {
            return CompletableFuture.completedFuture(null);
        }
        persistedAptpl = aptpl;
        String body = aptpl ? serialize() : "aptpl=0\n";
        CompletableFuture<Void> write = lastWrite.handle((v, e) -> null).thenRunAsync(() -> {
            try {
                store.write(body);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, io);
        lastWrite = write;
        return write;
    }

    /** The state file's body: line-oriented text, names are printable ASCII without spaces. */
    private String serialize() {
        StringBuilder b = new StringBuilder();
        b.append("aptpl=1\n").append("generation=").append(Integer.toUnsignedString(generation)).append('\n');
        b.append("type=").append(type == null ? 0 : type.code()).append('\n');
        for (Registration r : registrations) {
            Registrant w = r.who();
            b.append("registration=").append(Long.toHexString(r.key())).append(' ').append(w.initiatorName())
                    .append(' ').append(w.isid() == null ? "-" : w.isid()).append(' ')
                    .append(w.relativeTargetPortId()).append(' ').append(w.allTargetPorts() ? 1 : 0)
                    .append(' ').append(w.equals(holder) ? 1 : 0).append('\n');
        }
        return b.toString();
    }

    /** Parses a whole body first and applies it only if every line is valid. */
    private void restore(String text) {
        List<Registration> regs = new ArrayList<>();
        Registrant h = null;
        int gen = 0;
        PrType t = null;
        boolean on = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("reservation state: bad line " + line);
            }
            String value = line.substring(eq + 1);
            switch (line.substring(0, eq)) {
                case "aptpl" -> on = value.equals("1");
                case "generation" -> gen = Integer.parseUnsignedInt(value);
                case "type" -> {
                    t = value.equals("0") ? null : PrType.of(Integer.parseInt(value));
                    if (t == null && !value.equals("0")) {
                        throw new IllegalArgumentException("reservation state: bad type " + value);
                    }
                }
                case "registration" -> {
                    String[] f = value.split(" ");
                    if (f.length != 6) {
                        throw new IllegalArgumentException("reservation state: bad registration " + value);
                    }
                    Registrant w = new Registrant(f[1], f[2].equals("-") ? null : f[2], Integer.parseInt(f[3]),
                            f[4].equals("1"));
                    regs.add(new Registration(w, Long.parseUnsignedLong(f[0], 16)));
                    if (f[5].equals("1")) {
                        h = w;
                    }
                }
                default -> throw new IllegalArgumentException("reservation state: unknown line " + line);
            }
        }
        if (!on) {
            return;
        }
        if (t != null && (regs.isEmpty() || !t.allRegistrants() && h == null)) {
            throw new IllegalArgumentException("reservation state: a reservation without its holder");
        }
        registrations.addAll(regs);
        generation = gen;
        type = t;
        holder = t == null || t.allRegistrants() ? null : h;
        aptpl = true;
        persistedAptpl = true;
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
                    notices.add(new Notice(SenseReason.RESERVATIONS_RELEASED,
                            n -> still.stream().anyMatch(r -> r.who().matches(n)), false));
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
        notices.add(new Notice(SenseReason.REGISTRATIONS_PREEMPTED,
                n -> gone.stream().anyMatch(r -> r.who().matches(n)), abort));
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

    /** Registered nexuses but {@code except}, on a copy of today's registrations. */
    private Predicate<Nexus> registered(Nexus except) {
        List<Registration> now = List.copyOf(registrations);
        return n -> !n.equals(except) && now.stream().anyMatch(r -> r.who().matches(n));
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
