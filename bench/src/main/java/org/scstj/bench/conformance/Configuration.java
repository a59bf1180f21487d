package org.scstj.bench.conformance;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configurations of the matrix: one logical unit each, all LUNs of one target, and which
 * libiscsi tests run against it. The two full runs cover the whole test list on a thin LU with
 * 512-byte blocks and a fully provisioned one with 4096-byte blocks; the other three run only the
 * suites whose outcome depends on the property they exist for (libiscsi's
 * {@code CHECK_FOR_REMOVABLE}, {@code CHECK_FOR_READONLY}, the LBA range checks of a LU with 2^31
 * blocks), so that they add coverage without repeating the full list.
 */
enum Configuration {
    /**
     * Everything but Sanitize (it has a LU of its own), thin provisioned (SBC-4 4.7.3), with the
     * multipath tests over the second portal.
     */
    THIN("thin", 0, "vdisk_fileio", "1 GiB thin-provisioned file, 512-byte blocks",
            "filename = \"@DIR@/thin.img\", size = 1G, block-size = 512, thin-provisioned = true",
            List.of("ALL"), Set.of("Sanitize")),
    /**
     * Everything but Sanitize, fully provisioned, 4096-byte logical blocks. The six
     * ProutReserve.Access* tests are left out: libiscsi 1.19.0's verify_read_works /
     * verify_write_works (iscsi-support.c) send one 512-byte block whatever the LU's block size, so
     * on 4096-byte blocks their WRITE(10) asks for one block with an EDTL of 512 bytes, which is
     * refused with INVALID FIELD IN COMMAND INFORMATION UNIT (0E/03) as a WRITE underflow must be
     * (LIO does the same); upstream fixed the tool in June 2020 ("Use block_size instead of
     * hardcoded 512 bytes", commit 7258fbf), after 1.19.0. They run on the thin LU.
     */
    THICK_4K("thick-4k", 1, "vdisk_fileio", "64 MiB fully provisioned file, 4096-byte blocks",
            "filename = \"@DIR@/thick-4k.img\", size = 64M, block-size = 4096",
            List.of("ALL"), Set.of("Sanitize", "ProutReserve.AccessEA", "ProutReserve.AccessWE",
                    "ProutReserve.AccessEARO", "ProutReserve.AccessWERO", "ProutReserve.AccessEAAR",
                    "ProutReserve.AccessWEAR")),
    /**
     * Removable medium (SPC-5 6.7.2 standard INQUIRY data, RMB): PREVENT ALLOW MEDIUM REMOVAL, START STOP UNIT with
     * LOEJ, and the commands that need a medium once it is ejected.
     */
    REMOVABLE("removable", 2, "vdisk_fileio", "64 MiB file, removable medium",
            "filename = \"@DIR@/removable.img\", size = 64M, removable = true",
            List.of("ALL.NoMedia", "ALL.PreventAllow", "ALL.StartStopUnit"), Set.of()),
    /** Write-protected before the run starts (MODE SENSE WP, SBC-4 6.5.1), as CHECK_FOR_READONLY wants. */
    READ_ONLY("read-only", 3, "vdisk_fileio", "64 MiB pre-filled file, read-only",
            "filename = \"@DIR@/read-only.img\", read-only = true",
            List.of("ALL.ReadOnly"), Set.of()),
    /**
     * 1 TiB of null device: 2^31 logical blocks, so LBAs at and past 2^31 are in range or just out
     * of it. Reads return zeros and writes are discarded, so tests that read back what they wrote
     * do not apply and are left out.
     */
    NULLIO("nullio", 4, "vdisk_nullio", "1 TiB null device, 512-byte blocks",
            "size = 1T, block-size = 512",
            List.of("ALL.ReadCapacity10", "ALL.ReadCapacity16", "ALL.Read6", "ALL.Read10", "ALL.Read12", "ALL.Read16",
                    "ALL.Verify10", "ALL.Verify12", "ALL.Verify16", "ALL.Write10", "ALL.Write12", "ALL.Write16",
                    "ALL.WriteVerify10", "ALL.WriteVerify12", "ALL.WriteVerify16", "ALL.WriteSame10", "ALL.WriteSame16",
                    "ALL.OrWrite", "ALL.Prefetch10", "ALL.Prefetch16"),
            Set.of("OrWrite.Verify", "WriteSame10.Check", "WriteSame16.Check")),
    /**
     * Eight logical blocks per physical block (READ CAPACITY(16) LOGICAL BLOCKS PER PHYSICAL BLOCK
     * EXPONENT 3, SBC-4 5.21), thin: the tests behind libiscsi's {@code CHECK_FOR_LBPPB_GT_1}
     * (unaligned UNMAP by WRITE SAME, a Data-Out of other than one logical block) and the rest of
     * their suites. GetLBAStatus stays on the thin LU: its UnmapSingle test assumes one logical
     * block per physical block.
     */
    PHYSICAL_4K("physical-4k", 5, "vdisk_fileio", "64 MiB thin-provisioned file, 512-byte blocks on 4096-byte physical blocks",
            "filename = \"@DIR@/physical-4k.img\", size = 64M, block-size = 512, physical-block-size = 4096, thin-provisioned = true",
            List.of("ALL.CompareAndWrite", "ALL.Unmap", "ALL.WriteSame10", "ALL.WriteSame16"), Set.of()),
    /**
     * SBC-4 SANITIZE (run with {@code -S}) erases the whole medium, so it gets a LU of its
     * own: 96 MiB, which at the matrix's whole-medium-rate of 12 MiB/s makes an overwrite last
     * about 8 s, as Sanitize.Reset needs (it checks the sanitize still runs after resets and a
     * new login). It runs without the second portal: with a multipath device libiscsi 1.19's
     * Sanitize.Reservations takes its RESERVE(6) on that path and keeps it (mpath_sd2_put only
     * logs out a session it cloned), so the next test, Sanitize.Reset, would meet RESERVATION
     * CONFLICT where it expects SANITIZE IN PROGRESS; with one path it clones a session, which its
     * logout releases (SPC-2 5.5.1: a nexus loss releases the reservation).
     */
    SANITIZE("sanitize", 6, "vdisk_fileio", "96 MiB thin-provisioned file, erased by SANITIZE",
            "filename = \"@DIR@/sanitize.img\", size = 96M, block-size = 512, thin-provisioned = true",
            List.of("ALL.Sanitize"), Set.of()),
    /**
     * The whole list on {@code vdisk_blockio} (O_DIRECT to a block device) over a loop device with
     * 512-byte sectors on a sparse tmpfs file: the loop driver discards by punching holes, so the
     * LU is thin provisioned and the UNMAP tests run. The matrix attaches the device
     * ({@link #loopSectorSize}) and puts its path for {@code @LOOP@}.
     */
    BLOCKIO("blockio", 7, "vdisk_blockio", "64 MiB loop device (512-byte sectors), O_DIRECT",
            "filename = \"@LOOP@\"", List.of("ALL"), Set.of("Sanitize")),
    /** The same on a loop device with 4096-byte sectors; left out as for {@link #THICK_4K}, for the same reason. */
    BLOCKIO_4K("blockio-4k", 8, "vdisk_blockio", "64 MiB loop device (4096-byte sectors), O_DIRECT",
            "filename = \"@LOOP@\"", List.of("ALL"), Set.of("Sanitize", "ProutReserve.AccessEA",
                    "ProutReserve.AccessWE", "ProutReserve.AccessEARO", "ProutReserve.AccessWERO",
                    "ProutReserve.AccessEAAR", "ProutReserve.AccessWEAR")),
    /**
     * A {@code vcdrom} drive (MMC-6, peripheral device type 05h) with a 64 MiB image: read-only and
     * removable, 2048-byte blocks; the suites that apply to such a LU (libiscsi's
     * {@code CHECK_FOR_REMOVABLE} ones among them). It has no READ CAPACITY(16), WRITE or
     * SANITIZE, so the other suites do not apply.
     */
    VCDROM("vcdrom", 9, "vcdrom", "64 MiB pre-filled ISO image in a vcdrom drive, 2048-byte blocks",
            "image = \"@DIR@/cd.iso\"",
            List.of("ALL.TestUnitReady", "ALL.Inquiry", "ALL.Read10", "ALL.PreventAllow", "ALL.StartStopUnit",
                    "ALL.NoMedia"), Set.of());

    /** The size of a blockio configuration's loop device's backing file. */
    static final long LOOP_BYTES = 64L << 20;

    /** The family every run takes its tests from: it holds each distinct libiscsi test once. */
    static final String FAMILY = "ALL";

    final String id;
    final int lun;
    final String handler;
    final String description;
    /** The device's settings under {@code scstj.handlers.HANDLER.NAME}, {@code @DIR@} standing for the working directory. */
    final String settings;
    /** {@code FAMILY[.SUITE[.TEST]]} patterns of the tests to run. */
    final List<String> tests;
    /** {@code SUITE} or {@code SUITE.TEST} names left out of {@link #tests}. */
    final Set<String> excluded;
    /** The run gets the second portal's URL too (libiscsi's multipath tests); all but {@link #SANITIZE}. */
    final boolean multipath;

    Configuration(String id, int lun, String handler, String description, String settings, List<String> tests,
                  Set<String> excluded) {
        this.id = id;
        this.lun = lun;
        this.handler = handler;
        this.description = description;
        this.settings = settings;
        this.tests = tests;
        this.excluded = excluded;
        this.multipath = !"sanitize".equals(id);
    }

    /** The sector size of the loop device a blockio configuration needs, or 0 for the others. */
    int loopSectorSize() {
        return this == BLOCKIO ? 512 : this == BLOCKIO_4K ? 4096 : 0;
    }

    /** The device's name in the configuration. */
    String deviceName() {
        return "matrix-" + id;
    }

    /** True for the configurations that run the whole test list (but what they exclude). */
    boolean full() {
        return tests.equals(List.of(FAMILY));
    }

    /** True when {@code test} is one of the tests this configuration leaves out. */
    boolean excludes(CuTestId test) {
        return excluded.contains(test.suite()) || excluded.contains(test.distinct());
    }

    /** The configuration called {@code id}. */
    static Configuration byId(String id) {
        for (Configuration c : values()) {
            if (c.id.equals(id.strip().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown configuration '" + id + "' (configurations: " + ids() + ")");
    }

    /** Every id, comma-separated. */
    static String ids() {
        return Arrays.stream(values()).map(c -> c.id).collect(Collectors.joining(","));
    }

    /** Parses a comma-separated list of ids. */
    static Set<Configuration> parseList(String list) {
        Set<Configuration> selected = EnumSet.noneOf(Configuration.class);
        for (String id : list.split(",")) {
            if (!id.isBlank()) {
                selected.add(byId(id));
            }
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("no configuration named (configurations: " + ids() + ")");
        }
        return selected;
    }
}
