package org.scstj.mgmt.imports;

/**
 * A device. When scstj has no handler for it ({@code supported} false) it is written commented
 * out, under the source's own handler name, so that nothing the source had is lost from view;
 * LUNs that map it are commented out with it.
 *
 * @param name            the device name (unique over all handlers)
 * @param handler         {@code vdisk_fileio} or {@code vdisk_nullio} when supported, else the
 *                        source's handler ({@code vdisk_blockio}, {@code block}, ...)
 * @param supported       whether scstj can serve it
 * @param filename        the backing file, or null
 * @param size            bytes, or null for the handler's default (a file's own length)
 * @param blockSize       512 or 4096, or null for the default
 * @param thinProvisioned null when not stated
 * @param readOnly        null when not stated
 * @param writeBack       null when not stated
 * @param removable       null when not stated
 */
public record ImportedDevice(String name, String handler, boolean supported, String filename, Long size,
                             Integer blockSize, Boolean thinProvisioned, Boolean readOnly, Boolean writeBack,
                             Boolean removable) {
}
