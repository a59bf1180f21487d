package org.scstj.engine.pr;

import org.scstj.engine.state.StateFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Where one logical unit's persistent reservations are kept across a restart when APTPL asks for
 * it (SPC-5 5.14.4): a {@link StateFile} (crash-safe, checked) under the daemon's
 * {@code state-dir}, written on the engine's blocking executor. The body is line-oriented text,
 * {@code aptpl=}, {@code generation=}, {@code type=} and one {@code registration=} line per
 * registration (key in hex, initiator name, ISID or {@code -}, relative target port identifier,
 * ALL_TG_PT, holder), names being printable ASCII without spaces; a file holding
 * {@code aptpl=0} says there is nothing to keep.
 *
 * <p>Threads: {@link #load} once when the LU is made; {@link #persist} on the LUN actor's thread
 * after each change, with the value to write taken there; successive writes never overtake each
 * other.
 */
public final class ReservationFile {
    /** What the file held: the state to start with, and why none of it was used (null when it was, or there was none). */
    public record Loaded(ReservationsData data, String problem) {
    }

    private final StateFile store;
    private final Executor io;
    /** What the file says about APTPL (a file with APTPL 1 must be overwritten when it goes to 0). */
    private boolean persistedAptpl;
    /** The last write handed to the blocking executor: each write starts after the one before. */
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

    public ReservationFile(StateFile store, Executor io) {
        this.store = store;
        this.io = io;
    }

    /**
     * Reads the file: its state if it is intact, well-formed and says APTPL 1; the empty state
     * when there is no file or it says APTPL 0; the empty state and the problem when it is torn
     * or malformed (nothing of it is applied).
     */
    public Loaded load() {
        try {
            Optional<String> text = store.read();
            if (text.isEmpty()) {
                return new Loaded(ReservationsData.EMPTY, null);
            }
            ReservationsData d = parse(text.get());
            persistedAptpl = d.aptpl();
            return new Loaded(d, null);
        } catch (IOException | IllegalArgumentException e) {
            return new Loaded(ReservationsData.EMPTY, e.getMessage());
        }
    }

    /**
     * After a PERSISTENT RESERVE OUT that changed the state to {@code now}: writes it crash-safely
     * on the blocking executor if APTPL is (or was, so the file must now say there is nothing to
     * keep) set; the stage completes when it is durable (exceptionally when the write failed), at
     * once when there is nothing to write. Called on the owner's thread.
     */
    public CompletionStage<Void> persist(ReservationsData now) {
        if (!now.aptpl() && !persistedAptpl) {
            return CompletableFuture.completedFuture(null);
        }
        persistedAptpl = now.aptpl();
        String body = now.aptpl() ? format(now) : "aptpl=0\n";
        CompletableFuture<Void> write = lastWrite.handle((v, e) -> null).thenRunAsync(() -> {
            try {
                store.write(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io);
        lastWrite = write;
        return write;
    }

    /** The body for a state with APTPL 1 (the SPC-2 reservation is never kept: SPC-2 5.5.1). */
    static String format(ReservationsData d) {
        StringBuilder b = new StringBuilder();
        b.append("aptpl=1\n").append("generation=").append(Integer.toUnsignedString(d.generation())).append('\n');
        b.append("type=").append(d.type() == null ? 0 : d.type().code()).append('\n');
        for (Reservations.Registration r : d.registrations()) {
            Registrant w = r.who();
            b.append("registration=").append(Long.toHexString(r.key())).append(' ').append(w.initiatorName())
                    .append(' ').append(w.isid() == null ? "-" : w.isid()).append(' ')
                    .append(w.relativeTargetPortId()).append(' ').append(w.allTargetPorts() ? 1 : 0)
                    .append(' ').append(w.equals(d.holder()) ? 1 : 0).append('\n');
        }
        return b.toString();
    }

    /** Parses a whole body; every line must be valid. A body with APTPL 0 is the empty state. */
    static ReservationsData parse(String text) {
        List<Reservations.Registration> regs = new ArrayList<>();
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
                    regs.add(new Reservations.Registration(w, Long.parseUnsignedLong(f[0], 16)));
                    if (f[5].equals("1")) {
                        h = w;
                    }
                }
                default -> throw new IllegalArgumentException("reservation state: unknown line " + line);
            }
        }
        if (!on) {
            return ReservationsData.EMPTY;
        }
        if (t != null && (regs.isEmpty() || !t.allRegistrants() && h == null)) {
            throw new IllegalArgumentException("reservation state: a reservation without its holder");
        }
        return new ReservationsData(regs, gen, t, t == null || t.allRegistrants() ? null : h, true, null);
    }
}
