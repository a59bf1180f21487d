/** RFC 7143 11: opcodes and PDUs as typed records, decoded once from their 48-byte headers. */
package org.scstj.transports.iscsi.pdu;
