/**
 * What a logical unit remembers, owned by its LUN actor and touched only on its thread (no locks,
 * no listeners): unit-attention queues (SAM-5 5.14), mode parameters (SPC-5 7.5), the removable
 * medium (SBC-4 5.25), a FORMAT UNIT or SANITIZE in progress or failed (SBC-4 4.11), the copy
 * manager's operations (SPC-5 6.4, 6.25) and the echo buffer (SPC-5 6.17.7).
 */
package org.scstj.engine.lu;
