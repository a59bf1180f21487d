/**
 * SMC-3 commands of a medium changer (peripheral device type 08h) over a
 * {@link org.scstj.engine.spi.MediumChanger}: READ ELEMENT STATUS ({@link org.scstj.engine.smc.ElementStatus}),
 * MOVE MEDIUM, EXCHANGE MEDIUM, POSITION TO ELEMENT, INITIALIZE ELEMENT STATUS (with range) and
 * OPEN/CLOSE IMPORT/EXPORT ELEMENT ({@link org.scstj.engine.smc.Moves}). The element address
 * assignment, transport geometry and device capabilities mode pages are {@code spc.ModeSense}'s.
 */
package org.scstj.engine.smc;
