/**
 * The project's own iSCSI initiator (RFC 7143, initiator side): blocking, one socket per
 * {@link org.scstj.transports.iscsi.initiator.Connection}, several connections per
 * {@link org.scstj.transports.iscsi.initiator.Session}. Well-behaved calls (login, SCSI commands,
 * NOP, SendTargets, task management, logout, SNACK) and raw access for hostile tests (any BHS,
 * corrupted digests, byte-at-a-time sends, abrupt closes). Every blocking call takes a timeout.
 * See docs/initiator.md.
 */
package org.scstj.transports.iscsi.initiator;
