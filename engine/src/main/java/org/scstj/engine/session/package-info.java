/**
 * The session actor: one per I_T nexus; it maps LUNs for its nexus (LUN masking), answers for an
 * unmapped LUN what the command's row allows (INQUIRY, REQUEST SENSE, REPORT LUNS, SPC-5 6.7.2,
 * 6.39, 6.33), and hands every other command to its LUN actor.
 */
package org.scstj.engine.session;
