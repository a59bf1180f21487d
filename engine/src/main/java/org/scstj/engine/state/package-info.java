/**
 * State the target keeps across restarts under {@code state-dir}: saved mode pages now, persistent
 * reservations with APTPL later. Every file is written crash-safely and checked when read
 * ({@link org.scstj.engine.state.StateFile}).
 */
package org.scstj.engine.state;
