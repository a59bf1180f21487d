/**
 * EXTENDED COPY (LID1) and RECEIVE COPY RESULTS (SPC-5 6.4, 6.25): the parameter list decoded and
 * checked whole before any block moves, block-to-block segments (02h, 0Ah) copied in chunks on the
 * blocking dispatcher, and the Third-party Copy VPD page (8Fh).
 */
package org.scstj.engine.xcopy;
