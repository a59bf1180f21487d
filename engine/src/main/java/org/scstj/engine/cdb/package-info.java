/**
 * The parse stage and the command table (SAM-5 5.1, SPC-5 4.2).
 *
 * <p>Entry points for the LUN and session actors:
 * <ul>
 *   <li>{@link org.scstj.engine.cdb.CdbDecoder#decode(byte[])}: CDB bytes to
 *       {@link org.scstj.engine.cdb.Decoded.Ok} (a {@link org.scstj.engine.cdb.Cdb}) or
 *       {@link org.scstj.engine.cdb.Decoded.Rejected} (a {@link org.scstj.engine.sense.Failure});</li>
 *   <li>{@link org.scstj.engine.cdb.Cdb#row()} / {@link org.scstj.engine.cdb.CommandTable}: the flags for
 *       the checks (unmapped LUN, unit attention, reservation, write protect);</li>
 *   <li>{@link org.scstj.engine.cdb.Commands#execute}: the exec stage, completing the
 *       {@link org.scstj.engine.exec.ExecContext} exactly once.</li>
 * </ul>
 */
package org.scstj.engine.cdb;
