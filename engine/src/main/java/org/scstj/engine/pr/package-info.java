/**
 * Reservations of a logical unit: SPC-2 RESERVE / RELEASE (SPC-2 5.5.1) and persistent
 * reservations (SPC-5 5.14). {@link org.scstj.engine.pr.Reservations} is the state machine, one
 * per LU, shared by every target and nexus that maps the LU; it is pure (no actors) and tested
 * alone. The LUN actor asks it in its check stage whether a command conflicts, and establishes
 * the unit attentions it reports.
 */
package org.scstj.engine.pr;
