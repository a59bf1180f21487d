/**
 * The SCSI target device (SAM-5 4.6): the target actor that owns a target's sessions and LUN
 * mappings, and its access control (which initiator sees which LUNs, read-only or not).
 * Named {@code scsitarget}, not {@code target}, which is Maven's build folder.
 */
package org.scstj.engine.scsitarget;
