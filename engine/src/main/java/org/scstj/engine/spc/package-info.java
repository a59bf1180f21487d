/**
 * SPC-5 commands: INQUIRY and VPD pages, MODE SENSE, REQUEST SENSE, REPORT LUNS (a static builder
 * for the session actor), REPORT SUPPORTED OPERATION CODES, and the SAM-5 LUN format.
 */
package org.scstj.engine.spc;
