/**
 * The full feature phase of one connection (RFC 7143 3.2, 10): CmdSN ordering, the transport
 * side of each SCSI task (immediate, unsolicited and solicited write data; Data-In and status),
 * NOP, Text, task management, Logout, Rejects, and session reinstatement across connections.
 */
package org.scstj.transports.iscsi.conn;
