/**
 * The exec stage and what it stands on: {@link org.scstj.engine.exec.CommandRow} (everything the
 * engine knows about one command), {@link org.scstj.engine.exec.CommandSet} (the rows of one device
 * type: parse, lookup, execute, VPD pages), the {@link org.scstj.engine.exec.ExecContext} an
 * executor answers through, and {@link org.scstj.engine.exec.LuState}, the state of the logical
 * unit as an executor may see and change it on the LUN actor's thread. See docs/engine.md.
 */
package org.scstj.engine.exec;
