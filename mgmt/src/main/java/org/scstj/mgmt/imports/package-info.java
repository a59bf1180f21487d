/**
 * {@code scstj import}: reads another target's saved configuration (SCST's {@code scst.conf} as
 * {@code scstadmin -write_config} writes it, or targetcli's {@code saveconfig.json}) into one
 * model, {@link org.scstj.mgmt.imports.ImportedConfig}, and writes that as an scstj HOCON
 * configuration. Whatever has no scstj equivalent becomes an {@link org.scstj.mgmt.imports.ImportNote}
 * located at its source line or JSON path; nothing is dropped silently. docs/import.md tells what
 * maps to what.
 */
package org.scstj.mgmt.imports;
