/**
 * iSCSI connections and sessions (RFC 7143 3, 4.3, 6.3, 10): one {@link
 * org.scstj.transports.iscsi.conn.IscsiConnection} per TCP connection, whose login phase ({@code
 * LoginHandler}) hands over ({@code LoginHandOver}) to its full feature phase ({@code
 * FullFeatureHandler}): CmdSN ordering, the transport side of each SCSI task ({@code
 * ScsiCommands}, {@code IscsiTask}: immediate, unsolicited and solicited write data; Data-In and
 * status), NOP, Text, task management ({@code TaskManagement}), Logout ({@code Logout}), Rejects,
 * error recovery (ERL 1 and 2) and session reinstatement across connections ({@code IscsiSession}).
 */
package org.scstj.transports.iscsi.conn;
