/**
 * SBC-4 commands of a direct-access block device: READ, WRITE, WRITE AND VERIFY, VERIFY,
 * SYNCHRONIZE CACHE, READ CAPACITY, the block VPD pages, LBA range and transfer limits.
 * Device I/O completes asynchronously through one {@link org.scstj.engine.spi.BlockDevice.Completion}
 * object per command.
 */
package org.scstj.engine.sbc;
