package org.scstj.engine.pr;

import org.scstj.engine.spi.Nexus;

import java.util.List;

/**
 * One logical unit's reservation state as a value (SPC-5 5.14, SPC-2 5.5.1): the registrations in
 * registration order, PRGENERATION (SPC-5 6.16.2), the persistent reservation's type (null for
 * none) and holder (null for none and for an ALL REGISTRANTS type, SPC-5 5.14.10), APTPL as the
 * last PERSISTENT RESERVE OUT that set it said (SPC-5 5.14.4), and the SPC-2 holder (null for
 * none). Immutable and made of plain records, so that it can be written to a file
 * ({@link ReservationFile}) or sent to another node; {@link Reservations#of} runs the state
 * machine on it and {@link Reservations#toData} takes it back.
 */
public record ReservationsData(List<Reservations.Registration> registrations, int generation, PrType type,
                               Registrant holder, boolean aptpl, Nexus spc2Holder) {
    /** Nothing registered, nothing reserved, PRGENERATION 0. */
    public static final ReservationsData EMPTY = new ReservationsData(List.of(), 0, null, null, false, null);

    public ReservationsData {
        registrations = List.copyOf(registrations);
    }
}
