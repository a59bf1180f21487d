/**
 * The sense vocabulary ({@link org.scstj.engine.sense.SenseReason}), failures with field pointer and
 * INFORMATION ({@link org.scstj.engine.sense.Failure}), and the only sense-byte writer
 * ({@link org.scstj.engine.sense.SenseData}, SPC-5 4.4).
 */
package org.scstj.engine.sense;
