/**
 * The two contracts of the SCSI core.
 *
 * <p><b>Target-driver SPI</b> ({@link org.scstj.engine.spi.ScsiCore}, {@link org.scstj.engine.spi.SessionHandle},
 * {@link org.scstj.engine.spi.TransportTask}): a transport (iSCSI, loopback) logs an I_T nexus in with
 * {@link org.scstj.engine.spi.ScsiCore#openSession}, hands each SCSI command to
 * {@link org.scstj.engine.spi.SessionHandle#submit} and each task-management request to
 * {@link org.scstj.engine.spi.SessionHandle#taskManagement}. The core calls back on the
 * {@link org.scstj.engine.spi.TransportTask}: allocate a buffer for read data, fetch write data (R2T for
 * iSCSI), complete with status and sense, or tell the transport the task was aborted.
 *
 * <p><b>Device-handler SPI</b> ({@link org.scstj.engine.spi.DeviceHandlerFactory},
 * {@link org.scstj.engine.spi.BlockDevice}): what a backend provides: geometry, capabilities, and
 * asynchronous read / write / flush.
 *
 * <p>Threading: every method of both SPIs may be called from any thread and returns without
 * blocking. Completions may run on any thread; receivers hand them back to their own thread.
 */
package org.scstj.engine.spi;
