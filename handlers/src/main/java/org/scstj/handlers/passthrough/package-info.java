/**
 * The pass-through handlers {@code dev_disk}, {@code dev_tape}, {@code dev_processor},
 * {@code dev_cdrom}, {@code dev_modisk}, {@code dev_changer} and {@code dev_raid} (SCST's names):
 * a real SCSI device of that peripheral device type, reached through the Linux SCSI generic driver
 * ({@code /dev/sgN}) with the SG_IO ioctl, called through the foreign function API on a bounded pool.
 * The engine's pass-through command set keeps the target's part (reservations, unit attentions,
 * task management, REPORT LUNS); the device executes the rest.
 */
package org.scstj.handlers.passthrough;
