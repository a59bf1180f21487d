/**
 * The LUN actor: one per logical unit, owner of its state ({@code lu}, {@code pr}), running the
 * checks ({@link org.scstj.engine.lun.Checks}, in SAM-5 / SPC-5 order) and the task set (SAM-5 8:
 * task attributes, serialisation of overlapping atomic commands, queue depths), and draining for
 * task management with new commands stashed.
 */
package org.scstj.engine.lun;
