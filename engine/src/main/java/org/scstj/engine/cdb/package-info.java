/**
 * The CDB as a typed value (SAM-5 5.1, SPC-5 4.2): {@link org.scstj.engine.cdb.Cdb}'s records, one
 * per command, and the field decoders that make them ({@link org.scstj.engine.cdb.CdbDecoder}). Pure
 * parsing: which decoder runs, and what happens to the value, is the command sets' business
 * ({@code exec.CommandSet}, {@code commands}); nothing here executes or looks up a command.
 */
package org.scstj.engine.cdb;
