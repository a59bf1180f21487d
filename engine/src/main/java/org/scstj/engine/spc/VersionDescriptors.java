package org.scstj.engine.spc;

/**
 * SPC-5 6.7.2 table "Version descriptor values" (the standards scstj claims in standard INQUIRY data).
 * SPC-4 and SBC-3 are claimed beside SPC-5 and SBC-4 because initiators and conformance tools
 * (libiscsi's Inquiry.VersionDescriptors) only recognise those.
 */
public final class VersionDescriptors {
    /** SAM-5 (no version claimed). */
    public static final int SAM_5 = 0x00A0;
    /** iSCSI (no version claimed). */
    public static final int ISCSI = 0x0960;
    /** SPC-5 (no version claimed). */
    public static final int SPC_5 = 0x05C0;
    /** SPC-4 (no version claimed). */
    public static final int SPC_4 = 0x0460;
    /** SBC-4 (no version claimed). */
    public static final int SBC_4 = 0x0600;
    /** SBC-3 (no version claimed). */
    public static final int SBC_3 = 0x04C0;

    /** MMC-6 (no version claimed). */
    public static final int MMC_6 = 0x04E0;

    /** A disk's, in the order they appear in bytes 58..73 of standard INQUIRY data. */
    static final int[] CLAIMED = {SAM_5, ISCSI, SPC_5, SPC_4, SBC_4, SBC_3};
    /** SSC-3 (no version claimed). */
    public static final int SSC_3 = 0x0400;
    /** A tape drive's. */
    static final int[] CLAIMED_TAPE = {SAM_5, ISCSI, SPC_5, SPC_4, SSC_3};
    /** SMC-3 (no version claimed). */
    public static final int SMC_3 = 0x0480;
    /** A medium changer's. */
    static final int[] CLAIMED_CHANGER = {SAM_5, ISCSI, SPC_5, SPC_4, SMC_3};
    /** A CD/DVD device's. */
    static final int[] CLAIMED_CD_DVD = {SAM_5, ISCSI, SPC_5, SPC_4, MMC_6};

    private VersionDescriptors() {
    }
}
