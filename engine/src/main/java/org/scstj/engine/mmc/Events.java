package org.scstj.engine.mmc;

import static org.scstj.engine.cdb.BigEndian.put16;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.ScsiResponse;

/**
 * MMC-6 6.7 GET EVENT STATUS NOTIFICATION, polled: the operational change class (1) and the media
 * class (4). Media events are per I_T nexus ({@link MediumState#mediaEvent}): every nexus learns of
 * a new disc, a removal or an eject request, not only the first to ask. Of the classes requested the
 * drive reports the media class when that nexus has a media event waiting (taking it), else the
 * lowest requested class with no change (MMC-6 6.7.2: the class of the highest priority with an
 * event; event classes are in priority order by number). A request naming no supported class gets
 * the header alone with NEA (no event available).
 *
 * <p>It runs at the exec stage's entry, on the LUN actor's thread, since it takes the nexus's event.
 */
public final class Events {
    static final int OPERATIONAL_CHANGE = 1;
    static final int MEDIA = 4;
    /** SUPPORTED EVENT CLASSES: a bit per class. */
    static final int SUPPORTED = 1 << OPERATIONAL_CHANGE | 1 << MEDIA;

    private Events() {
    }

    public static ScsiResponse getEventStatusNotification(Cdb.GetEventStatusNotification cdb, ExecContext ctx) {
        int requested = cdb.classRequest() & SUPPORTED;
        MediumState medium = ctx.state().medium();
        byte[] d;
        if (requested == 0) {
            d = new byte[4];
            d[2] = (byte) 0x80;                                // NEA, NOTIFICATION CLASS 000b
        } else {
            boolean media = (requested & 1 << MEDIA) != 0
                    && (medium.hasMediaEvent(ctx.lu().nexus()) || (requested & 1 << OPERATIONAL_CHANGE) == 0);
            d = new byte[8];
            if (media) {
                d[2] = MEDIA;
                d[4] = (byte) medium.takeMediaEvent(ctx.lu().nexus()); // MEDIA EVENT CODE
                // MEDIA STATUS: MEDIA PRESENT (bit 1), DOOR OR TRAY OPEN (bit 0)
                d[5] = (byte) ((medium.present() ? 0x02 : 0) | (medium.trayOpen() ? 0x01 : 0));
            } else {
                d[2] = OPERATIONAL_CHANGE;
                // OPERATIONAL EVENT 0h (no change); PERSISTENT PREVENTED 0, OPERATIONAL STATUS 0h (available)
                d[4] = 0;
            }
        }
        put16(d, 0, d.length - 2);                             // EVENT DESCRIPTOR LENGTH
        d[3] = SUPPORTED;
        return AllocationLength.respond(d, d.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }
}
