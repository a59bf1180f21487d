package org.scstj.mgmt.imports;

/** A LUN mapping: {@code luns { <lun> = <device> }} or with {@code read-only = true}. */
public record ImportedLun(int lun, String device, boolean readOnly) {
}
