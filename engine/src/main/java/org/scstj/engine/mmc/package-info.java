/**
 * MMC-6 commands of a CD/DVD device (peripheral device type 05h) serving a read-only disc image:
 * the disc's structure ({@link org.scstj.engine.mmc.Disc}: READ TOC/PMA/ATIP, READ DISC
 * INFORMATION, READ TRACK INFORMATION), the drive's features and profiles
 * ({@link org.scstj.engine.mmc.Features}: GET CONFIGURATION), polled media events
 * ({@link org.scstj.engine.mmc.Events}: GET EVENT STATUS NOTIFICATION) and the drive's mechanism
 * ({@link org.scstj.engine.mmc.Drive}: MECHANISM STATUS, READ FORMAT CAPACITIES, GET PERFORMANCE,
 * SET CD SPEED). Reads, READ CAPACITY, START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL are the
 * block commands' own ({@code sbc}); the mode pages are {@code spc.ModeSense}'s.
 *
 * <p>An image is one finished disc: one session, one data track (mode 1, 2048-byte blocks) from
 * LBA 0 to its last block, the lead-out after it.
 */
package org.scstj.engine.mmc;
