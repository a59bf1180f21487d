package org.scstj.engine.spi;

import java.util.List;

/**
 * The elements of a medium changer (SMC-3 4.2, peripheral device type 08h) and moving cartridges
 * between them: storage elements (slots), import/export elements (the mail slots an operator
 * reaches), data transfer elements (tape drives, other LUs of the engine) and the one medium
 * transport element (the robot). The core answers READ ELEMENT STATUS, MOVE MEDIUM and EXCHANGE
 * MEDIUM from here; the device keeps the inventory (durably) and loads a drive through the engine
 * ({@link Media}), so the drive's nexuses see the medium change.
 *
 * <p>{@link #elements} answers from memory on any thread. {@link #move} and {@link #exchange}
 * return at once and complete exactly once, from any thread; the device runs them one at a time
 * (one robot), in the order they were asked.
 */
public interface MediumChanger {
    /** SMC-3 table "Element type code". */
    enum ElementType {
        TRANSPORT(1), STORAGE(2), IMPORT_EXPORT(3), DATA_TRANSFER(4);

        private final int code;

        ElementType(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /**
     * One element as it is now.
     *
     * @param barcode the cartridge's volume tag, or null when the element is empty
     * @param source  the address the cartridge was last moved from (SVALID), or -1
     * @param drive   for a data transfer element, the engine device it is (a tape drive), else null
     * @param driveId for a data transfer element, its device identifier (DVCID: the drive's unit serial number), else null
     */
    record Element(ElementType type, int address, String barcode, int source, String drive, String driveId) {
        public boolean full() {
            return barcode != null;
        }
    }

    /** Why a move failed, as SMC-3 reports it. */
    enum MoveFailure {
        /** ILLEGAL REQUEST, INVALID ELEMENT ADDRESS (21/01). */
        INVALID_ELEMENT_ADDRESS,
        /** ILLEGAL REQUEST, MEDIUM SOURCE ELEMENT EMPTY (3B/0E). */
        SOURCE_EMPTY,
        /** ILLEGAL REQUEST, MEDIUM DESTINATION ELEMENT FULL (3B/0D). */
        DESTINATION_FULL,
        /** ILLEGAL REQUEST, MEDIUM REMOVAL PREVENTED (53/02): an initiator of the drive, or of the changer's import/export element, prevents it. */
        REMOVAL_PREVENTED,
        /** HARDWARE ERROR, INTERNAL TARGET FAILURE: the inventory could not be saved, a drive refused the cartridge. */
        INTERNAL
    }

    /** Completion of a move. */
    interface MoveCompletion {
        void completed();

        void failed(MoveFailure failure, String why);
    }

    /** Every element, by address. */
    List<Element> elements();

    /**
     * The operator puts cartridge {@code barcode} into the first empty import/export element (a
     * management request, run in the robot's turn like a move). Fails when none is empty, when the
     * barcode is not a valid volume tag or is already in the library. The core tells the changer's
     * nexuses (IMPORT OR EXPORT ELEMENT ACCESSED, 28/01).
     */
    void importCartridge(String barcode, MoveCompletion done);

    /**
     * The operator takes cartridge {@code barcode} out of the import/export element it is in (the
     * initiators moved it there). Fails when it is in no import/export element. Its file stays in
     * the library directory.
     */
    void exportCartridge(String barcode, MoveCompletion done);

    /** SMC-3 MOVE MEDIUM: the cartridge in {@code source} to the empty {@code destination}. */
    void move(int source, int destination, MoveCompletion done);

    /**
     * SMC-3 EXCHANGE MEDIUM: the cartridge in {@code source} to {@code first}, and the one that was in
     * {@code first} to {@code second} ({@code second} may be {@code source}).
     */
    void exchange(int source, int first, int second, MoveCompletion done);
}
