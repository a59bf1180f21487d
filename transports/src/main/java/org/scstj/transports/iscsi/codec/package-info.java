/**
 * RFC 7143 11.2 framing: the decoder state machine (BHS, AHS, header digest, data, data digest),
 * the encoder that allocates only headers, and CRC32C digests (13.1).
 */
package org.scstj.transports.iscsi.codec;
