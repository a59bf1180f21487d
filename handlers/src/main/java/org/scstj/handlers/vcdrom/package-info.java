/**
 * {@code vcdrom}: a virtual CD/DVD drive (SCST's vcdrom) serving ISO 9660 / UDF image files as a
 * read-only, removable logical unit of peripheral type 05h, whose disc the operator swaps while it
 * runs. The MMC-6 commands are the engine's ({@code org.scstj.engine.mmc}); this handler reads the
 * image and swaps it.
 */
package org.scstj.handlers.vcdrom;
