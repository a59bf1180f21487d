/**
 * The command sets, one per peripheral device type: tables of {@link org.scstj.engine.exec.CommandRow}
 * that name, for every operation code, its decoder (package {@code cdb}), its executor (packages
 * {@code spc}, {@code sbc}, {@code xcopy}) and every rule the LUN actor checks. Nothing below this
 * package knows the tables; the actors above use them through {@link org.scstj.engine.exec.CommandSet}.
 */
package org.scstj.engine.commands;
