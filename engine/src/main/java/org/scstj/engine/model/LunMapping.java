package org.scstj.engine.model;

/**
 * One LUN of a target or group: {@code luns { 0 = disk01 }} or {@code luns { 0 { device = disk01, read-only = true } }}.
 *
 * @param lun      the LUN number (0..16383, SAM-5 4.7.3 flat / peripheral addressing)
 * @param device   the device name
 * @param readOnly the mapping is write-protected for the initiators that see it through here
 */
public record LunMapping(int lun, String device, boolean readOnly) {
}
