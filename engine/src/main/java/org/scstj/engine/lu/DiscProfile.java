package org.scstj.engine.lu;

/**
 * What the disc in a CD/DVD device is, from its size: a CD-ROM when it fits on a CD, else a
 * DVD-ROM (MMC-6 table "Profile List"), and the read speed the drive reports for it. GET
 * CONFIGURATION, GET PERFORMANCE and the capabilities mode page all answer from here.
 */
public final class DiscProfile {
    /** MMC-6 table "Profile List": CD-ROM. */
    public static final int CD_ROM = 0x0008;
    /** MMC-6 table "Profile List": DVD-ROM. */
    public static final int DVD_ROM = 0x0010;
    /** The most 2048-byte blocks a CD holds (80 minutes of mode-1 sectors, 359,849, rounded up). */
    public static final long CD_MAX_BLOCKS = 360_000;
    /** 1x CD is 176.4 kB/s, 1x DVD 1385 kB/s; a virtual drive reports a fast one: 40x CD, 16x DVD. */
    static final int CD_SPEED = 40 * 176;
    static final int DVD_SPEED = 16 * 1385;

    private DiscProfile() {
    }

    /** The current profile: 0000h while no disc is present. */
    public static int of(boolean present, long blocks) {
        if (!present) {
            return 0;
        }
        return blocks > CD_MAX_BLOCKS ? DVD_ROM : CD_ROM;
    }

    /** The read speed in kB/s the drive reports for a disc of {@code blocks} (a CD's when none is present). */
    public static int readSpeed(boolean present, long blocks) {
        return of(present, blocks) == DVD_ROM ? DVD_SPEED : CD_SPEED;
    }
}
