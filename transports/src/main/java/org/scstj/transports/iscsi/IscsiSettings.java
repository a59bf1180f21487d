package org.scstj.transports.iscsi;

import com.typesafe.config.Config;

/** The iSCSI target driver's settings, read once from {@code scstj.target-drivers.iscsi}. */
public record IscsiSettings(Config source) {
    /** Reads and validates the block; throws {@link com.typesafe.config.ConfigException} naming the key at fault. */
    public static IscsiSettings from(Config iscsi) {
        return new IscsiSettings(iscsi);
    }
}
