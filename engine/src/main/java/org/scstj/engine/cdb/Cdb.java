package org.scstj.engine.cdb;

/**
 * A decoded CDB: what {@link CdbDecoder#decode} makes of the bytes, once. Nothing downstream
 * reads CDB bytes again. Lengths and LBAs are unsigned values held in {@code long}/{@code int};
 * an LBA above {@link Long#MAX_VALUE} is negative here and must be compared unsigned.
 */
public sealed interface Cdb {
    /** OPERATION CODE. */
    int opcode();

    /** SERVICE ACTION, or -1 for an opcode without one. */
    default int serviceAction() {
        return -1;
    }


    /**
     * A command that reads or writes a run of logical blocks given in its CDB: what the LUN's task
     * set orders overlapping commands by ({@code org.scstj.engine.lun.LunActor}).
     */
    interface BlockAccess {
        /** LOGICAL BLOCK ADDRESS (unsigned). */
        long lba();

        /** Blocks from {@link #lba}; 0 is "none", except where the command says otherwise. */
        long blocks();
    }

    /**
     * A command with Data-Out: how many bytes its CDB asks the application client to send. Once the
     * command has taken its Data-Out, this is what it transferred, whatever its status, and the
     * transport reports the residual against EDTL from it (SAM-5 5.4.3, RFC 7143 11.4.5); every
     * command-table row with direction OUT decodes to one.
     */
    interface DataOut {
        /** Data-Out bytes per the CDB, for a logical unit of {@code blockSize}-byte blocks. */
        long dataOutLength(int blockSize);
    }

    /** SPC-5 6.47 TEST UNIT READY. */
    record TestUnitReady() implements Cdb {
        @Override public int opcode() { return Opcodes.TEST_UNIT_READY; }
    }

    /** SPC-5 6.39 REQUEST SENSE; {@code desc} asks for descriptor format. */
    record RequestSense(boolean desc, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.REQUEST_SENSE; }
    }

    /** SPC-5 6.7 INQUIRY. */
    record Inquiry(boolean evpd, int pageCode, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.INQUIRY; }
    }

    /** SPC-5 6.33 REPORT LUNS. */
    record ReportLuns(int selectReport, long allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.REPORT_LUNS; }
    }

    /**
     * SPC-5 6.35 REPORT SUPPORTED OPERATION CODES, MAINTENANCE IN 0Ch.
     *
     * @param rctd             return command timeouts descriptors
     * @param reportingOptions 000b all, 001b one opcode, 010b opcode + service action, 011b either
     */
    record ReportSupportedOperationCodes(boolean rctd, int reportingOptions, int requestedOpcode,
                                         int requestedServiceAction, long allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.MAINTENANCE_IN; }
        @Override public int serviceAction() { return Opcodes.SA_REPORT_SUPPORTED_OPERATION_CODES; }
    }

    /**
     * SPC-5 6.11 MODE SENSE(6) / 6.12 MODE SENSE(10).
     *
     * @param pageControl 0 current, 1 changeable, 2 default, 3 saved
     */
    record ModeSense(int opcode, boolean dbd, boolean llbaa, int pageControl, int pageCode,
                     int subpageCode, int allocationLength) implements Cdb {
    }

    /**
     * SPC-5 6.9 MODE SELECT(6) / 6.10 MODE SELECT(10).
     *
     * @param pf                  page format: the pages follow SPC-5 7.5 (must be 1)
     * @param sp                  save pages (refused: no saved values)
     * @param parameterListLength bytes of mode parameter list in the Data-Out
     */
    record ModeSelect(int opcode, boolean pf, boolean sp, int parameterListLength) implements Cdb, DataOut {
        @Override public long dataOutLength(int blockSize) { return parameterListLength; }
    }

    /** SBC-4 5.20 READ CAPACITY(10). */
    record ReadCapacity10() implements Cdb {
        @Override public int opcode() { return Opcodes.READ_CAPACITY_10; }
    }

    /** SBC-4 5.21 READ CAPACITY(16), SERVICE ACTION IN(16) 10h. */
    record ReadCapacity16(int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.SERVICE_ACTION_IN_16; }
        @Override public int serviceAction() { return Opcodes.SA_READ_CAPACITY_16; }
    }

    /** SBC-4 5.14-5.17 READ(6/10/12/16). {@code blocks} is already 256 for a READ(6) with 0. */
    record Read(int opcode, long lba, long blocks, boolean dpo, boolean fua) implements Cdb, BlockAccess {
    }

    /** SBC-4 5.38-5.41 WRITE(6/10/12/16). {@code blocks} is already 256 for a WRITE(6) with 0. */
    record Write(int opcode, long lba, long blocks, boolean dpo, boolean fua) implements Cdb, BlockAccess, DataOut {
        @Override public long dataOutLength(int blockSize) { return blocks * blockSize; }
    }

    /**
     * SBC-4 5.42-5.44 WRITE AND VERIFY(10/12/16).
     *
     * @param bytchk 00b verify the medium, 01b compare with the Data-Out
     */
    record WriteAndVerify(int opcode, long lba, long blocks, boolean dpo, int bytchk)
            implements Cdb, BlockAccess, DataOut {
        @Override public long dataOutLength(int blockSize) { return blocks * blockSize; }
    }

    /** SBC-4 5.26/5.27 SYNCHRONIZE CACHE(10/16); {@code blocks} 0 means "to the last LBA". */
    record SynchronizeCache(int opcode, long lba, long blocks, boolean immed) implements Cdb {
    }

    /**
     * SBC-4 5.9 / 5.10 PRE-FETCH(10/16).
     *
     * @param blocks PREFETCH LENGTH as sent; 0 means "to the last LBA"
     * @param immed  return status once the CDB is checked (scstj always does)
     */
    record PreFetch(int opcode, long lba, long blocks, boolean immed) implements Cdb {
    }

    /**
     * SBC-4 5.19 / 5.20 READ DEFECT DATA(10/12).
     *
     * @param format DEFECT LIST FORMAT (000b..110b; 111b was rejected by the decoder)
     * @param index  ADDRESS DESCRIPTOR INDEX (READ DEFECT DATA(12) only, else 0)
     */
    record ReadDefectData(int opcode, boolean reqPlist, boolean reqGlist, int format, long index,
                          long allocationLength) implements Cdb {
    }

    /**
     * SBC-4 5.12 ORWRITE(16): the Data-Out ORed into the blocks. ORPROTECT must be 0 (no protection
     * information) and the obsolete bit 1 must be 0: both are outside the usage mask.
     */
    record OrWrite(long lba, long blocks, boolean dpo, boolean fua) implements Cdb, BlockAccess, DataOut {
        @Override public int opcode() { return Opcodes.ORWRITE_16; }
        @Override public long dataOutLength(int blockSize) { return blocks * blockSize; }
    }

    /**
     * SBC-4 5.30 UNMAP. ANCHOR is not supported (ANC_SUP 0): the decoder rejects it as a
     * reserved bit.
     */
    record Unmap(int parameterListLength) implements Cdb, DataOut {
        @Override public int opcode() { return Opcodes.UNMAP; }
        @Override public long dataOutLength(int blockSize) { return parameterListLength; }
    }

    /** SBC-4 5.8 GET LBA STATUS, SERVICE ACTION IN(16) 12h. */
    record GetLbaStatus(long lba, long allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.SERVICE_ACTION_IN_16; }
        @Override public int serviceAction() { return Opcodes.SA_GET_LBA_STATUS; }
    }

    /**
     * SBC-4 5.48 WRITE SAME(10) / 5.50 WRITE SAME(16). ANCHOR is rejected by the decoder.
     *
     * @param blocks NUMBER OF LOGICAL BLOCKS as sent; 0 means "to the last LBA" (WSNZ 0)
     * @param unmap  deallocate if the block reads back the same way (SBC-4 4.7.3.4)
     * @param ndob   no Data-Out: the block is zeros (WRITE SAME(16) only)
     */
    record WriteSame(int opcode, long lba, long blocks, boolean unmap, boolean ndob)
            implements Cdb, BlockAccess, DataOut {
        /** One logical block, or none with NDOB. */
        @Override public long dataOutLength(int blockSize) { return ndob ? 0 : blockSize; }
    }

    /**
     * SBC-4 5.35-5.37 VERIFY(10/12/16).
     *
     * @param bytchk 00b medium check only, 01b compare with Data-Out, 11b compare one block with each LBA
     */
    record Verify(int opcode, long lba, long blocks, int bytchk, boolean dpo) implements Cdb, BlockAccess, DataOut {
        /** None for BYTCHK 00b, one block for 11b, every block for 01b. */
        @Override public long dataOutLength(int blockSize) {
            return bytchk == 0 || blocks == 0 ? 0 : bytchk == 0b11 ? blockSize : blocks * blockSize;
        }
    }

    /**
     * SBC-4 5.3 COMPARE AND WRITE: the first {@code blocks} blocks of the Data-Out are compared with
     * the medium and, if equal, the second {@code blocks} blocks are written, as one operation.
     * WRPROTECT and FUA_NV are outside the usage mask (no protection information).
     */
    record CompareAndWrite(long lba, long blocks, boolean dpo, boolean fua) implements Cdb, BlockAccess, DataOut {
        @Override public int opcode() { return Opcodes.COMPARE_AND_WRITE; }
        /** The verify instance and the write instance. */
        @Override public long dataOutLength(int blockSize) { return 2 * blocks * blockSize; }
    }

    /**
     * SBC-4 5.48 WRITE ATOMIC(16): a WRITE whose blocks all change or none do. ATOMIC BOUNDARY is
     * outside the usage mask (MAXIMUM ATOMIC BOUNDARY SIZE 0), so the whole transfer is one
     * atomic write.
     */
    record WriteAtomic(long lba, long blocks, boolean dpo, boolean fua) implements Cdb, BlockAccess, DataOut {
        @Override public int opcode() { return Opcodes.WRITE_ATOMIC_16; }
        @Override public long dataOutLength(int blockSize) { return blocks * blockSize; }
    }

    /**
     * SBC-4 5.25 START STOP UNIT.
     *
     * @param powerCondition POWER CONDITION; 0h START_VALID processes START and LOEJ, any other value
     *                       makes the device server ignore them
     * @param noFlush        NO_FLUSH: do not write cached blocks before the medium becomes inaccessible
     * @param loej           LOEJ: load (START 1) or eject (START 0) the medium
     */
    record StartStopUnit(boolean immed, int powerCondition, boolean noFlush, boolean loej, boolean start)
            implements Cdb {
        @Override public int opcode() { return Opcodes.START_STOP_UNIT; }
    }

    /** SBC-4 5.13 PREVENT ALLOW MEDIUM REMOVAL: PREVENT 01b prevents, 00b allows (1xb was rejected). */
    record PreventAllowMediumRemoval(boolean prevent) implements Cdb {
        @Override public int opcode() { return Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL; }
    }

    /**
     * SPC-4 6.3 EXTENDED COPY(LID1), service action 00h (SPC-5 keeps only LID4, which scstj does
     * not implement: service action 01h is INVALID FIELD IN CDB).
     *
     * @param parameterListLength PARAMETER LIST LENGTH (unsigned 32-bit)
     */
    record ExtendedCopy(long parameterListLength) implements Cdb, DataOut {
        @Override public int opcode() { return Opcodes.EXTENDED_COPY; }
        @Override public int serviceAction() { return Opcodes.SA_EXTENDED_COPY_LID1; }
        @Override public long dataOutLength(int blockSize) { return parameterListLength; }
    }

    /**
     * SPC-3 6.17 RECEIVE COPY RESULTS (the LID1 service actions of SPC-4's 84h): COPY STATUS (00h),
     * OPERATING PARAMETERS (03h), FAILED SEGMENT DETAILS (04h).
     *
     * @param listIdentifier the EXTENDED COPY's LIST IDENTIFIER (ignored by OPERATING PARAMETERS)
     */
    record ReceiveCopyResults(int serviceAction, int listIdentifier, long allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.RECEIVE_COPY_RESULTS; }
    }

    /**
     * SBC-4 5.3 FORMAT UNIT. FMTPINFO (protection information), FFMT and the vendor-specific byte
     * are outside the usage mask: no protection information, no fast format.
     *
     * @param longList         LONGLIST: the parameter list header is the long one (8 bytes)
     * @param fmtData          FMTDATA: a parameter list follows
     * @param cmpList          CMPLST
     * @param defectListFormat DEFECT LIST FORMAT (only empty defect lists are accepted)
     */
    record FormatUnit(boolean longList, boolean fmtData, boolean cmpList, int defectListFormat)
            implements Cdb, DataOut {
        @Override public int opcode() { return Opcodes.FORMAT_UNIT; }

        /**
         * The CDB gives no PARAMETER LIST LENGTH: with FMTDATA the list is the parameter list header
         * (SBC-4 5.3.2, short or long as LONGLIST says), which is all scstj takes (it accepts no
         * defect list and no initialization pattern).
         */
        @Override public long dataOutLength(int blockSize) { return !fmtData ? 0 : longList ? 8 : 4; }
    }

    /**
     * SBC-4 5.30 SANITIZE. ZNR (zoned block devices only) is outside the usage mask.
     *
     * @param serviceAction       01h OVERWRITE, 02h BLOCK ERASE, 03h CRYPTOGRAPHIC ERASE, 1Fh EXIT FAILURE MODE
     * @param immed               return status once the CDB and parameter list are checked
     * @param ause                allow unrestricted sanitize exit (EXIT FAILURE MODE after a failure)
     * @param parameterListLength bytes of Data-Out (OVERWRITE only)
     */
    record Sanitize(int serviceAction, boolean immed, boolean ause, int parameterListLength) implements Cdb, DataOut {
        @Override public int opcode() { return Opcodes.SANITIZE; }
        @Override public long dataOutLength(int blockSize) { return parameterListLength; }
    }

    /**
     * SPC-5 6.11 LOG SENSE. PPC and SP are outside the usage mask (no parameter-change tracking,
     * no saved parameters).
     *
     * @param pageControl      PC: 00b threshold, 01b cumulative, 10b default threshold, 11b default cumulative
     * @param parameterPointer the first parameter code to return
     */
    record LogSense(int pageControl, int pageCode, int subpageCode, int parameterPointer, int allocationLength)
            implements Cdb {
        @Override public int opcode() { return Opcodes.LOG_SENSE; }
    }

    /**
     * SPC-5 6.37 REPORT TARGET PORT GROUPS (MAINTENANCE IN 0Ah).
     *
     * @param extended PARAMETER DATA FORMAT 001b: the extended header with IMPLICIT TRANSITION TIME
     *                 (000b: the length-only header)
     */
    record ReportTargetPortGroups(boolean extended, long allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.MAINTENANCE_IN; }
        @Override public int serviceAction() { return Opcodes.SA_REPORT_TARGET_PORT_GROUPS; }
    }

    /** SPC-5 6.47 SET TARGET PORT GROUPS (MAINTENANCE OUT 0Ah). */
    record SetTargetPortGroups(long parameterListLength) implements Cdb, DataOut {
        @Override public int opcode() { return Opcodes.MAINTENANCE_OUT; }
        @Override public int serviceAction() { return Opcodes.SA_SET_TARGET_PORT_GROUPS; }
        @Override public long dataOutLength(int blockSize) { return parameterListLength; }
    }

    /**
     * SPC-5 6.38 REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS, MAINTENANCE IN 0Dh.
     *
     * @param repd return the extended parameter data (16 bytes)
     */
    record ReportSupportedTaskManagementFunctions(boolean repd, long allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.MAINTENANCE_IN; }
        @Override public int serviceAction() { return Opcodes.SA_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS; }
    }

    /**
     * SPC-2 7.21 RESERVE(6) and 7.22 RESERVE(10): a logical unit reservation for the I_T nexus.
     * Third-party (3RDPTY, LONGID) and extent reservations are outside the usage mask (INVALID
     * FIELD IN CDB, as SPC-2 allows a device server that does not support them).
     */
    record Reserve(int opcode) implements Cdb {
    }

    /** SPC-2 7.17 RELEASE(6) and 7.18 RELEASE(10); third-party release is outside the usage mask. */
    record Release(int opcode) implements Cdb {
    }

    /** SPC-5 6.16 PERSISTENT RESERVE IN. */
    record PersistentReserveIn(int serviceAction, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.PERSISTENT_RESERVE_IN; }
    }

    /**
     * SPC-5 6.17 PERSISTENT RESERVE OUT.
     *
     * @param scope SCOPE, byte 2 bits 7-4
     * @param type  TYPE, byte 2 bits 3-0
     */
    record PersistentReserveOut(int serviceAction, int scope, int type, long parameterListLength)
            implements Cdb, DataOut {
        @Override public int opcode() { return Opcodes.PERSISTENT_RESERVE_OUT; }
        @Override public long dataOutLength(int blockSize) { return parameterListLength; }
    }

    /**
     * SPC-5 6.17 READ BUFFER(10).
     *
     * @param mode             MODE: 0Ah echo buffer, 0Bh echo buffer descriptor (the decoder refuses others)
     * @param allocationLength ALLOCATION LENGTH (24 bits)
     */
    record ReadBuffer(int mode, int bufferId, int bufferOffset, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_BUFFER_10; }
    }

    /**
     * SPC-5 6.49 WRITE BUFFER.
     *
     * @param mode                MODE: 0Ah echo buffer (the decoder refuses others)
     * @param parameterListLength PARAMETER LIST LENGTH (24 bits)
     */
    record WriteBuffer(int mode, int bufferId, int bufferOffset, int parameterListLength) implements Cdb, DataOut {
        @Override public int opcode() { return Opcodes.WRITE_BUFFER; }
        @Override public long dataOutLength(int blockSize) { return parameterListLength; }
    }

    // ---- MMC-6: CD/DVD devices ----

    /**
     * MMC-6 6.26 READ TOC/PMA/ATIP.
     *
     * @param msf            MSF: addresses as minute/second/frame instead of LBA
     * @param format         FORMAT: 0 TOC, 1 session information, 2 full TOC (the decoder refuses others)
     * @param trackOrSession TRACK/SESSION NUMBER
     */
    record ReadToc(boolean msf, int format, int trackOrSession, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_TOC_PMA_ATIP; }
    }

    /**
     * MMC-6 6.6 GET CONFIGURATION.
     *
     * @param requestType     RT: 0 every feature, 1 the current ones, 2 the one named (3 is refused)
     * @param startingFeature STARTING FEATURE NUMBER
     */
    record GetConfiguration(int requestType, int startingFeature, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.GET_CONFIGURATION; }
    }

    /**
     * MMC-6 6.7 GET EVENT STATUS NOTIFICATION, polled (asynchronous operation is refused).
     *
     * @param classRequest NOTIFICATION CLASS REQUEST: a bit per event class
     */
    record GetEventStatusNotification(int classRequest, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.GET_EVENT_STATUS_NOTIFICATION; }
    }

    /** MMC-6 6.22 READ DISC INFORMATION, DATA TYPE 000b (standard disc information). */
    record ReadDiscInformation(int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_DISC_INFORMATION; }
    }

    /**
     * MMC-6 6.27 READ TRACK INFORMATION.
     *
     * @param addressType ADDRESS/NUMBER TYPE: 0 an LBA, 1 a track number, 2 a session number
     * @param address     LOGICAL BLOCK ADDRESS/TRACK/SESSION NUMBER
     */
    record ReadTrackInformation(int addressType, long address, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_TRACK_INFORMATION; }
    }

    /** MMC-6 6.11 MECHANISM STATUS. */
    record MechanismStatus(int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.MECHANISM_STATUS; }
    }

    /** MMC-6 6.24 READ FORMAT CAPACITIES. */
    record ReadFormatCapacities(int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_FORMAT_CAPACITIES; }
    }

    /**
     * MMC-6 6.8 GET PERFORMANCE.
     *
     * @param write          for TYPE 00h: WRITE (bit 2 of DATA TYPE) — write rather than read performance
     * @param except         for TYPE 00h: EXCEPT (bits 1-0 of DATA TYPE)
     * @param maxDescriptors MAXIMUM NUMBER OF DESCRIPTORS
     * @param type           TYPE: 00h performance, 03h write speed (the decoder refuses others)
     */
    record GetPerformance(boolean write, int except, long startingLba, int maxDescriptors, int type) implements Cdb {
        @Override public int opcode() { return Opcodes.GET_PERFORMANCE; }
    }

    /** MMC-6 6.37 SET CD SPEED (speeds in kB/s; FFFFh: the drive's best). */
    record SetCdSpeed(int readSpeed, int writeSpeed) implements Cdb {
        @Override public int opcode() { return Opcodes.SET_CD_SPEED; }
    }

    // ---- SSC-3: sequential-access devices ----

    /** SSC-3 READ BLOCK LIMITS (MLOC is refused by the usage mask: an SSC-4 field). */
    record ReadBlockLimits() implements Cdb {
        @Override public int opcode() { return Opcodes.READ_BLOCK_LIMITS; }
    }

    /**
     * SSC-3 READ(6).
     *
     * @param sili           SILI: suppress incorrect-length indication (variable-block mode only)
     * @param fixed          FIXED: the transfer length counts blocks of the mode's block length
     * @param transferLength TRANSFER LENGTH: blocks (fixed) or bytes (variable)
     */
    record TapeRead(boolean sili, boolean fixed, int transferLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_6; }
    }

    /** SSC-3 WRITE(6): {@code transferLength} blocks (fixed) or bytes (variable). */
    record TapeWrite(boolean fixed, int transferLength) implements Cdb, DataOut {
        @Override public int opcode() { return Opcodes.WRITE_6; }
        /** {@code blockSize}: the drive's fixed-mode block length. */
        @Override public long dataOutLength(int blockSize) { return fixed ? (long) transferLength * blockSize : transferLength; }
    }

    /** SSC-3 WRITE FILEMARKS(6) (WSMK is refused by the decoder: no setmarks). */
    record WriteFilemarks(boolean immed, int count) implements Cdb {
        @Override public int opcode() { return Opcodes.WRITE_FILEMARKS_6; }
    }

    /**
     * SSC-3 SPACE(6) and SPACE(16).
     *
     * @param code  CODE: 0 logical blocks, 1 filemarks, 3 end of data (the decoder refuses the others)
     * @param count COUNT, signed: negative counts space toward the beginning of the partition
     */
    record Space(int opcode, int code, long count) implements Cdb {
        public static final int BLOCKS = 0;
        public static final int FILEMARKS = 1;
        public static final int END_OF_DATA = 3;
    }

    /** SSC-3 REWIND. */
    record Rewind(boolean immed) implements Cdb {
        @Override public int opcode() { return Opcodes.REWIND; }
    }

    /** SSC-3 LOAD UNLOAD: LOAD 1 loads (threads) the cartridge, 0 unloads it; HOLD keeps it in the drive. */
    record LoadUnload(boolean immed, boolean hold, boolean eot, boolean reten, boolean load) implements Cdb {
        @Override public int opcode() { return Opcodes.LOAD_UNLOAD; }
    }

    /** SSC-3 ERASE(6): from the current position to the end of the partition (LONG or not, on a virtual medium). */
    record Erase(boolean immed, boolean longErase) implements Cdb {
        @Override public int opcode() { return Opcodes.ERASE_6; }
    }

    /**
     * SSC-3 READ POSITION.
     *
     * @param serviceAction 00h or 01h short form, 06h long form, 08h extended form
     */
    record ReadPosition(int serviceAction, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_POSITION; }
    }

    /**
     * SSC-3 LOCATE(10) and LOCATE(16).
     *
     * @param destType DEST_TYPE of LOCATE(16): 0 a logical object, 1 a logical file, 3 end of data; 0 for LOCATE(10)
     * @param target   LOGICAL OBJECT IDENTIFIER (or logical file identifier)
     */
    record Locate(int opcode, boolean immed, boolean changePartition, int partition, int destType, long target)
            implements Cdb {
        public static final int OBJECT = 0;
        public static final int FILE = 1;
        public static final int END_OF_DATA = 3;
    }

    /** SSC-3 REPORT DENSITY SUPPORT: MEDIA (the loaded medium's densities), MEDIUM TYPE (medium types instead). */
    record ReportDensitySupport(boolean media, boolean mediumType, int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.REPORT_DENSITY_SUPPORT; }
    }

    /**
     * SPC-5 6.18 READ ATTRIBUTE (the cartridge's medium auxiliary memory, SSC-3 4.2.21).
     *
     * @param serviceAction 00h ATTRIBUTE VALUES, 01h ATTRIBUTE LIST, 03h PARTITION LIST, 05h SUPPORTED ATTRIBUTES
     */
    record ReadAttribute(int serviceAction, int partition, int firstAttribute, long allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_ATTRIBUTE; }
    }

    // ---- SMC-3: medium changers ----

    /** SMC-3 INITIALIZE ELEMENT STATUS and INITIALIZE ELEMENT STATUS WITH RANGE (the range is checked by the executor). */
    record InitializeElementStatus(int opcode, boolean range, int start, int count) implements Cdb {
    }

    /** SMC-3 POSITION TO ELEMENT. */
    record PositionToElement(int transport, int destination) implements Cdb {
        @Override public int opcode() { return Opcodes.POSITION_TO_ELEMENT; }
    }

    /** SMC-3 MOVE MEDIUM (INVERT is refused by the decoder: no two-sided media). */
    record MoveMedium(int transport, int source, int destination) implements Cdb {
        @Override public int opcode() { return Opcodes.MOVE_MEDIUM; }
    }

    /** SMC-3 EXCHANGE MEDIUM (INV1 and INV2 are refused by the decoder). */
    record ExchangeMedium(int transport, int source, int first, int second) implements Cdb {
        @Override public int opcode() { return Opcodes.EXCHANGE_MEDIUM; }
    }

    /**
     * SMC-3 READ ELEMENT STATUS.
     *
     * @param voltag      VOLTAG: report volume tags (barcodes)
     * @param elementType ELEMENT TYPE CODE: 0 all types, 1 transport, 2 storage, 3 import/export, 4 data transfer
     * @param dvcid       DVCID: report the data transfer elements' device identifiers
     */
    record ReadElementStatus(boolean voltag, int elementType, int start, int count, boolean curdata, boolean dvcid,
                             int allocationLength) implements Cdb {
        @Override public int opcode() { return Opcodes.READ_ELEMENT_STATUS; }
    }

    /** SMC-3 OPEN/CLOSE IMPORT/EXPORT ELEMENT: ACTION CODE 0 opens, 1 closes. */
    record OpenCloseImportExport(int element, int action) implements Cdb {
        @Override public int opcode() { return Opcodes.OPEN_CLOSE_IMPORT_EXPORT_ELEMENT; }
    }

    /**
     * A command the core does not decode but sends to a pass-through device as it came (SPC-5
     * 4.2.5.1: its length from the group code): the one record that keeps CDB bytes, for they are
     * the device's to judge, not the core's.
     */
    record PassThrough(int opcode, byte[] bytes) implements Cdb {
        public PassThrough {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
