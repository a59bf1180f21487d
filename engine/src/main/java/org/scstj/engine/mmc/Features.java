package org.scstj.engine.mmc;

import static org.scstj.engine.cdb.BigEndian.put16;
import static org.scstj.engine.cdb.BigEndian.put32;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.DiscProfile;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.ScsiResponse;

import java.io.ByteArrayOutputStream;

/**
 * MMC-6 6.6 GET CONFIGURATION: the drive's profiles and features (MMC-6 5.3, 5.4). The drive reads
 * CD-ROM and DVD-ROM; which profile is current follows the size of the disc in it (an image larger
 * than a CD can hold is a DVD), none while it is empty. Features, in code order: Profile List
 * (0000h), Core (0001h), Morphing (0002h, polled operational change events), Removable Medium
 * (0003h, a tray that locks, ejects and loads), Random Readable (0010h, current with a disc), CD Read
 * (001Eh) and DVD Read (001Fh), each current with its profile.
 */
public final class Features {
    static final int PROFILE_CD_ROM = DiscProfile.CD_ROM;
    static final int PROFILE_DVD_ROM = DiscProfile.DVD_ROM;

    static final int PROFILE_LIST = 0x0000;
    static final int CORE = 0x0001;
    static final int MORPHING = 0x0002;
    static final int REMOVABLE_MEDIUM = 0x0003;
    static final int RANDOM_READABLE = 0x0010;
    static final int CD_READ = 0x001E;
    static final int DVD_READ = 0x001F;
    private static final int[] FEATURES = {PROFILE_LIST, CORE, MORPHING, REMOVABLE_MEDIUM, RANDOM_READABLE, CD_READ, DVD_READ};

    /** MMC-6 5.3.2 Core: PHYSICAL INTERFACE STANDARD 00000001h, the SCSI family (iSCSI among them). */
    static final int INTERFACE_SCSI = 0x0000_0001;

    private Features() {
    }

    /** The current profile of the LU: by the size of its disc, 0000h (none) while the drive is empty. */
    public static int currentProfile(LuContext lu) {
        return DiscProfile.of(lu.medium().present(), lu.device().blockCount());
    }

    /**
     * RT 00b: every feature from STARTING FEATURE NUMBER on; 01b: the current ones from it on; 10b:
     * the one it names, when the drive has it (else the header alone).
     */
    public static ScsiResponse getConfiguration(Cdb.GetConfiguration cdb, ExecContext ctx) {
        LuContext lu = ctx.lu();
        int profile = currentProfile(lu);
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        out.writeBytes(new byte[8]);                           // the feature header, filled in below
        for (int code : FEATURES) {
            boolean wanted = switch (cdb.requestType()) {
                case 2 -> code == cdb.startingFeature();
                default -> code >= cdb.startingFeature();
            };
            if (!wanted) {
                continue;
            }
            byte[] f = feature(code, profile, lu);
            if (cdb.requestType() == 1 && (f[2] & 0x01) == 0) {
                continue;
            }
            out.writeBytes(f);
        }
        byte[] data = out.toByteArray();
        put32(data, 0, data.length - 4);                       // DATA LENGTH
        put16(data, 6, profile);                               // CURRENT PROFILE
        return AllocationLength.respond(data, data.length, cdb.allocationLength(), ctx.task().expectedDataTransferLength());
    }

    /** One feature descriptor (MMC-6 5.3.1): code, VERSION, PERSISTENT, CURRENT, ADDITIONAL LENGTH, data. */
    static byte[] feature(int code, int profile, LuContext lu) {
        boolean present = profile != 0;
        return switch (code) {
            case PROFILE_LIST -> {
                byte[] f = header(code, 0, true, true, 8);
                put16(f, 4, PROFILE_DVD_ROM);
                f[6] = (byte) (profile == PROFILE_DVD_ROM ? 1 : 0); // CURRENTP
                put16(f, 8, PROFILE_CD_ROM);
                f[10] = (byte) (profile == PROFILE_CD_ROM ? 1 : 0);
                yield f;
            }
            case CORE -> {
                byte[] f = header(code, 2, true, true, 8);
                put32(f, 4, INTERFACE_SCSI);
                f[8] = 0x01;                                   // DBE: the drive reports its buffer empty (MMC-6 5.3.2)
                yield f;
            }
            case MORPHING -> {
                byte[] f = header(code, 1, true, true, 4);
                f[4] = 0x02;                                   // OCEVENT 1, ASYNC 0: operational change events, polled
                yield f;
            }
            case REMOVABLE_MEDIUM -> {
                byte[] f = header(code, 2, true, true, 4);
                // LOADING MECHANISM TYPE 001b (tray), LOAD, EJECT, LOCK
                f[4] = 0x20 | 0x10 | 0x08 | 0x01;
                yield f;
            }
            case RANDOM_READABLE -> {
                byte[] f = header(code, 0, false, present, 8);
                put32(f, 4, lu.device().blockSize());          // LOGICAL BLOCK SIZE
                put16(f, 8, profile == PROFILE_DVD_ROM ? 16 : 1); // BLOCKING: an ECC block of 16 sectors on a DVD
                yield f;
            }
            case CD_READ -> header(code, 2, false, profile == PROFILE_CD_ROM, 4); // no CD-TEXT, C2 or digital audio
            default -> header(code, 2, false, profile == PROFILE_DVD_ROM, 4);     // DVD Read: single layer read only
        };
    }

    private static byte[] header(int code, int version, boolean persistent, boolean current, int additional) {
        byte[] f = new byte[4 + additional];
        put16(f, 0, code);
        f[2] = (byte) (version << 2 | (persistent ? 0x02 : 0) | (current ? 0x01 : 0));
        f[3] = (byte) additional;
        return f;
    }
}
