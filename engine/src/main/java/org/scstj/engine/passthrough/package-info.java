/**
 * The exec stage of a pass-through device's commands (SCST's {@code scst_pass-through}, LIO's
 * pscsi): a command goes to the real device as it came, and the core keeps, on top, what SAM-5 and
 * SPC-5 make the target's own when several I_T nexuses share one device: unit attentions to each
 * nexus, reservations, mode and log parameter changes reported to the other nexuses, the INQUIRY
 * designators of the target port, task management.
 */
package org.scstj.engine.passthrough;
