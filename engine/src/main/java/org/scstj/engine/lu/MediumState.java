package org.scstj.engine.lu;

import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.Nexus;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The medium of one logical unit: whether one is loaded, whether the tray is open, which I_T
 * nexuses prevent its removal (SBC-4 5.13 PREVENT ALLOW MEDIUM REMOVAL, 5.25 START STOP UNIT;
 * MMC-6 6.39, 6.42), and the media events each nexus has not yet polled (MMC-6 6.7 GET EVENT
 * STATUS NOTIFICATION). One object per LU, owned by its LUN actor, like {@link ModeParameters}.
 *
 * <p>The medium is present when one is loaded and the tray is closed. START STOP UNIT with LOEJ
 * opens the tray ({@link #eject}) and closes it ({@link #load}); the medium stays in the tray, as
 * a disc does, and is present again once it closes. The operator's swap ({@link #changed}) puts a
 * medium in, or takes it out, and closes the tray. A disk's medium is always loaded; a CD/DVD
 * drive may be empty. A drive with a tray (MMC-6) says which way it is not ready: MEDIUM NOT
 * PRESENT - TRAY CLOSED (3A/01) or - TRAY OPEN (3A/02); a removable disk says 3A/00.
 *
 * <p>A non-removable LU's medium is always present and can be neither prevented nor ejected.
 * Prevention is per I_T nexus and the LU prevents removal while any nexus does; a nexus's
 * prevention ends with PREVENT 00b from it, with its I_T nexus loss (logout, connection loss, I_T
 * NEXUS RESET), and every nexus's ends with a logical unit reset, a hard reset or power on (SBC-4
 * 5.13).
 *
 * <p>Threads: changed only on the LUN actor's thread (START STOP UNIT, PREVENT ALLOW MEDIUM
 * REMOVAL, GET EVENT STATUS NOTIFICATION, resets, nexus loss and the operator's swap run there);
 * {@link #present()} is volatile, for copies (EXTENDED COPY) that look at another LU's medium from
 * their own thread, and for the management plane's view.
 */
public final class MediumState {

    /** What {@link #load} and {@link #eject} did. */
    public enum Result {
        /**
         * The tray moved where it was asked to be. After a load the other nexuses are told NOT READY
         * TO READY CHANGE, MEDIUM MAY HAVE CHANGED (28/00) by the command that loaded it.
         */
        MOVED,
        /** The tray already was where it was asked to be. */
        UNCHANGED,
        /** Some I_T nexus prevents medium removal: nothing moved (ILLEGAL REQUEST 53/02). */
        REMOVAL_PREVENTED
    }

    /** MMC-6 6.7.2.5 (table "Media Event Descriptor"): MEDIA EVENT CODE values. */
    public static final int NO_CHANGE = 0x0;
    public static final int EJECT_REQUEST = 0x1;
    public static final int NEW_MEDIA = 0x2;
    public static final int MEDIA_REMOVAL = 0x3;

    /** Bound of one nexus's unpolled media events (the oldest is dropped first). */
    static final int MAX_EVENTS = 4;

    private final boolean removable;
    private final boolean tray;
    private volatile boolean loaded;
    private volatile boolean trayOpen;
    private final Set<Nexus> preventing = new HashSet<>();
    private final Map<Nexus, ArrayDeque<Integer>> events = new HashMap<>();

    /** A loaded medium with nothing prevented; {@code removable} as the device reports (INQUIRY RMB). */
    public MediumState(boolean removable) {
        this(removable, false, true);
    }

    /**
     * @param removable the medium can be removed (INQUIRY RMB)
     * @param tray      the drive has a tray (MMC-6): its not-ready sense says whether the tray is open
     * @param loaded    a medium is in the drive at power on
     */
    public MediumState(boolean removable, boolean tray, boolean loaded) {
        if (!removable && !loaded) {
            throw new IllegalArgumentException("a non-removable medium is always loaded");
        }
        this.removable = removable;
        this.tray = tray;
        this.loaded = loaded;
    }

    /** SPC-5 6.7.2 RMB: the medium can be removed. */
    public boolean removable() {
        return removable;
    }

    /** The medium is loaded and the tray closed: medium-access commands may run (otherwise {@link #notPresent}). */
    public boolean present() {
        return loaded && !trayOpen;
    }

    /** A medium is in the drive (perhaps with the tray open). */
    public boolean loaded() {
        return loaded;
    }

    /** The tray is open (START STOP UNIT ejected it). */
    public boolean trayOpen() {
        return trayOpen;
    }

    /** What a medium-access command gets while the medium is not {@link #present}: 3A/00, or 3A/01 and 3A/02 for a tray. */
    public SenseReason notPresent() {
        if (!tray) {
            return SenseReason.MEDIUM_NOT_PRESENT;
        }
        return trayOpen ? SenseReason.MEDIUM_NOT_PRESENT_TRAY_OPEN : SenseReason.MEDIUM_NOT_PRESENT_TRAY_CLOSED;
    }

    /** Any I_T nexus prevents medium removal. */
    public boolean removalPrevented() {
        return !preventing.isEmpty();
    }

    /** How many I_T nexuses prevent medium removal. */
    public int preventingCount() {
        return preventing.size();
    }

    /** Whether {@code nexus} in particular prevents medium removal. */
    public boolean prevents(Nexus nexus) {
        return preventing.contains(nexus);
    }

    /**
     * SBC-4 5.13 PREVENT field 01b ({@code prevent}) or 00b from {@code nexus}. Only for a
     * removable LU; the command refuses 01b on any other.
     */
    public void prevent(Nexus nexus, boolean prevent) {
        if (!removable) {
            throw new IllegalStateException("medium removal of a non-removable logical unit");
        }
        if (prevent) {
            preventing.add(nexus);
        } else {
            preventing.remove(nexus);
        }
    }

    /** SBC-4 5.25, MMC-6 6.39 LOEJ 1, START 0: opens the tray unless some nexus prevents medium removal. */
    public Result eject(Nexus by) {
        return move(by, false);
    }

    /** SBC-4 5.25, MMC-6 6.39 LOEJ 1, START 1: closes the tray unless some nexus prevents medium removal. */
    public Result load(Nexus by) {
        return move(by, true);
    }

    private Result move(Nexus by, boolean close) {
        if (!removable) {
            throw new IllegalStateException("loading or ejecting a non-removable medium");
        }
        // A prevented LU's medium does not move in either direction (libiscsi PreventAllow.Eject
        // expects the load refused too, as MMC-6's START STOP UNIT does).
        if (!preventing.isEmpty()) {
            return Result.REMOVAL_PREVENTED;
        }
        if (trayOpen != close) {
            return Result.UNCHANGED;
        }
        trayOpen = !close;
        return Result.MOVED;
    }

    /**
     * The operator put a medium in ({@code loaded}) or took it out, and the tray is closed: the
     * management plane's swap, after the device changed its medium. The caller reports it (28/00,
     * {@link #mediaEvent}).
     */
    public void changed(boolean loaded) {
        this.loaded = loaded;
        this.trayOpen = false;
    }

    /**
     * Queues a media event (MMC-6 6.7.2.5) for each of {@code nexuses}, which their next GET EVENT
     * STATUS NOTIFICATION polling the media class reports, oldest first.
     */
    public void mediaEvent(int code, Iterable<Nexus> nexuses) {
        for (Nexus n : nexuses) {
            ArrayDeque<Integer> queue = events.computeIfAbsent(n, k -> new ArrayDeque<>(2));
            if (queue.size() == MAX_EVENTS) {
                queue.pollFirst();
            }
            queue.addLast(code);
        }
    }

    /** The oldest media event {@code nexus} has not polled, or {@link #NO_CHANGE}; it is then reported. */
    public int takeMediaEvent(Nexus nexus) {
        ArrayDeque<Integer> queue = events.get(nexus);
        if (queue == null || queue.isEmpty()) {
            return NO_CHANGE;
        }
        Integer code = queue.pollFirst();
        if (queue.isEmpty()) {
            events.remove(nexus);
        }
        return code;
    }

    /** Whether {@code nexus} has a media event to poll. */
    public boolean hasMediaEvent(Nexus nexus) {
        return events.containsKey(nexus);
    }

    /** I_T nexus loss of {@code nexus} (including I_T NEXUS RESET, SAM-5 7.6): its prevention and its events end. */
    public void nexusLost(Nexus nexus) {
        preventing.remove(nexus);
        events.remove(nexus);
    }

    /** Logical unit reset, hard reset, power on: every nexus's prevention ends; the medium stays where it is. */
    public void reset() {
        preventing.clear();
    }
}
