/**
 * {@code vtape}: a virtual tape drive, the drive of a virtual tape library, serving cartridges kept
 * as files in a library directory as a removable logical unit of peripheral type 01h. The SSC-3
 * commands (positioning, block modes, filemarks, READ POSITION, LOCATE, SPACE) are the engine's;
 * this handler stores each cartridge's records and filemarks durably
 * ({@link org.scstj.handlers.vtape.Cartridge}) and swaps cartridges.
 */
package org.scstj.handlers.vtape;
