package org.scstj.engine.cdb;

/** Operation codes and service actions scstj knows (SPC-5 appendix D, SBC-4 table "Commands"). */
public final class Opcodes {
    public static final int TEST_UNIT_READY = 0x00;
    public static final int REQUEST_SENSE = 0x03;
    public static final int FORMAT_UNIT = 0x04;
    public static final int READ_6 = 0x08;
    public static final int WRITE_6 = 0x0A;
    public static final int INQUIRY = 0x12;
    public static final int MODE_SELECT_6 = 0x15;
    public static final int MODE_SENSE_6 = 0x1A;
    public static final int READ_CAPACITY_10 = 0x25;
    public static final int READ_10 = 0x28;
    public static final int WRITE_10 = 0x2A;
    public static final int WRITE_AND_VERIFY_10 = 0x2E;
    public static final int VERIFY_10 = 0x2F;
    public static final int PRE_FETCH_10 = 0x34;
    public static final int SYNCHRONIZE_CACHE_10 = 0x35;
    public static final int READ_DEFECT_DATA_10 = 0x37;
    public static final int WRITE_SAME_10 = 0x41;
    public static final int UNMAP = 0x42;
    public static final int SANITIZE = 0x48;
    public static final int MODE_SELECT_10 = 0x55;
    public static final int MODE_SENSE_10 = 0x5A;
    public static final int READ_16 = 0x88;
    public static final int WRITE_16 = 0x8A;
    public static final int COMPARE_AND_WRITE = 0x89;
    public static final int ORWRITE_16 = 0x8B;
    public static final int WRITE_AND_VERIFY_16 = 0x8E;
    public static final int VERIFY_16 = 0x8F;
    public static final int PRE_FETCH_16 = 0x90;
    public static final int SYNCHRONIZE_CACHE_16 = 0x91;
    public static final int WRITE_SAME_16 = 0x93;
    public static final int WRITE_ATOMIC_16 = 0x9C;
    public static final int SERVICE_ACTION_IN_16 = 0x9E;
    public static final int REPORT_LUNS = 0xA0;
    public static final int MAINTENANCE_IN = 0xA3;
    public static final int READ_12 = 0xA8;
    public static final int WRITE_12 = 0xAA;
    public static final int WRITE_AND_VERIFY_12 = 0xAE;
    public static final int VERIFY_12 = 0xAF;
    public static final int READ_DEFECT_DATA_12 = 0xB7;
    public static final int START_STOP_UNIT = 0x1B;
    public static final int PREVENT_ALLOW_MEDIUM_REMOVAL = 0x1E;
    public static final int EXTENDED_COPY = 0x83;
    public static final int RECEIVE_COPY_RESULTS = 0x84;

    /** SERVICE ACTION IN(16) 10h: READ CAPACITY(16). */
    public static final int SA_READ_CAPACITY_16 = 0x10;

    /** SERVICE ACTION IN(16) 12h: GET LBA STATUS. */
    public static final int SA_GET_LBA_STATUS = 0x12;

    /** MAINTENANCE IN 0Ch: REPORT SUPPORTED OPERATION CODES. */
    public static final int SA_REPORT_SUPPORTED_OPERATION_CODES = 0x0C;

    /** EXTENDED COPY 00h: EXTENDED COPY(LID1) (SPC-4 6.3). */
    public static final int SA_EXTENDED_COPY_LID1 = 0x00;

    /** RECEIVE COPY RESULTS 00h COPY STATUS, 03h OPERATING PARAMETERS, 04h FAILED SEGMENT DETAILS (SPC-3 6.17). */
    public static final int SA_COPY_STATUS = 0x00;
    public static final int SA_OPERATING_PARAMETERS = 0x03;
    public static final int SA_FAILED_SEGMENT_DETAILS = 0x04;
    public static final int LOG_SENSE = 0x4D;

    /** SANITIZE service actions (SBC-4 5.30.1). */
    public static final int SA_SANITIZE_OVERWRITE = 0x01;
    public static final int SA_SANITIZE_BLOCK_ERASE = 0x02;
    public static final int SA_SANITIZE_CRYPTOGRAPHIC_ERASE = 0x03;
    public static final int SA_SANITIZE_EXIT_FAILURE_MODE = 0x1F;

    /** MAINTENANCE IN 0Ah: REPORT TARGET PORT GROUPS (SPC-5 6.37). */
    public static final int SA_REPORT_TARGET_PORT_GROUPS = 0x0A;

    /** MAINTENANCE OUT (SPC-5 6.47 SET TARGET PORT GROUPS is its service action 0Ah). */
    public static final int MAINTENANCE_OUT = 0xA4;

    /** MAINTENANCE OUT 0Ah: SET TARGET PORT GROUPS (SPC-5 6.47). */
    public static final int SA_SET_TARGET_PORT_GROUPS = 0x0A;

    /** MAINTENANCE IN 0Dh: REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS. */
    public static final int SA_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS = 0x0D;

    /** SPC-2 7.21 RESERVE(6), 7.22 RESERVE(10), 7.17 RELEASE(6), 7.18 RELEASE(10). */
    public static final int RESERVE_6 = 0x16;
    public static final int RELEASE_6 = 0x17;
    public static final int RESERVE_10 = 0x56;
    public static final int RELEASE_10 = 0x57;

    /** SPC-5 6.16 PERSISTENT RESERVE IN, 6.17 PERSISTENT RESERVE OUT and their service actions. */
    public static final int PERSISTENT_RESERVE_IN = 0x5E;
    public static final int PERSISTENT_RESERVE_OUT = 0x5F;
    public static final int WRITE_BUFFER = 0x3B;
    public static final int READ_BUFFER_10 = 0x3C;
    /** READ / WRITE BUFFER MODE: echo buffer (SPC-5 6.17.7, 6.49.7). */
    public static final int BUFFER_MODE_ECHO = 0x0A;
    /** READ BUFFER MODE: echo buffer descriptor (SPC-5 6.17.8). */
    public static final int BUFFER_MODE_ECHO_DESCRIPTOR = 0x0B;
    public static final int SA_PRIN_READ_KEYS = 0x00;
    public static final int SA_PRIN_READ_RESERVATION = 0x01;
    public static final int SA_PRIN_REPORT_CAPABILITIES = 0x02;
    public static final int SA_PRIN_READ_FULL_STATUS = 0x03;
    public static final int SA_PROUT_REGISTER = 0x00;
    public static final int SA_PROUT_RESERVE = 0x01;
    public static final int SA_PROUT_RELEASE = 0x02;
    public static final int SA_PROUT_CLEAR = 0x03;
    public static final int SA_PROUT_PREEMPT = 0x04;
    public static final int SA_PROUT_PREEMPT_AND_ABORT = 0x05;
    public static final int SA_PROUT_REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;
    public static final int SA_PROUT_REGISTER_AND_MOVE = 0x07;

    // SSC-3 (sequential-access devices, peripheral device type 01h)
    public static final int REWIND = 0x01;
    public static final int READ_BLOCK_LIMITS = 0x05;
    public static final int WRITE_FILEMARKS_6 = 0x10;
    public static final int SPACE_6 = 0x11;
    public static final int ERASE_6 = 0x19;
    public static final int LOAD_UNLOAD = 0x1B;
    public static final int LOCATE_10 = 0x2B;
    public static final int READ_POSITION = 0x34;
    public static final int REPORT_DENSITY_SUPPORT = 0x44;
    public static final int READ_ATTRIBUTE = 0x8C;
    public static final int SPACE_16 = 0x91;
    public static final int LOCATE_16 = 0x92;

    // SMC-3 (medium changers, peripheral device type 08h)
    public static final int INITIALIZE_ELEMENT_STATUS = 0x07;
    public static final int OPEN_CLOSE_IMPORT_EXPORT_ELEMENT = 0x1B;
    public static final int POSITION_TO_ELEMENT = 0x2B;
    public static final int INITIALIZE_ELEMENT_STATUS_WITH_RANGE = 0x37;
    public static final int MOVE_MEDIUM = 0xA5;
    public static final int EXCHANGE_MEDIUM = 0xA6;
    public static final int READ_ELEMENT_STATUS = 0xB8;

    // MMC-6 (CD/DVD devices, peripheral device type 05h)
    public static final int READ_FORMAT_CAPACITIES = 0x23;
    public static final int READ_TOC_PMA_ATIP = 0x43;
    public static final int GET_CONFIGURATION = 0x46;
    public static final int GET_EVENT_STATUS_NOTIFICATION = 0x4A;
    public static final int READ_DISC_INFORMATION = 0x51;
    public static final int READ_TRACK_INFORMATION = 0x52;
    public static final int GET_PERFORMANCE = 0xAC;
    public static final int SET_CD_SPEED = 0xBB;
    public static final int MECHANISM_STATUS = 0xBD;

    private Opcodes() {
    }
}
