package org.scstj.engine.pr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CommandTable;
import org.scstj.engine.pr.ConflictTable.CommandClass;

class ConflictTableTest {

    @Test
    void everyCommandTableRow_hasAClass() {
        for (CommandTable.Row row : CommandTable.rows()) {
            assertNotNull(ConflictTable.classOf(row), row.name() + " needs a row in the SPC-5 conflict table");
        }
    }

    @Test
    void medium_writesAreRegistrantsOnly_readsConflictOnlyUnderExclusiveAccess() {
        for (CommandTable.Row row : CommandTable.rows()) {
            if (row.writesMedium()) {
                assertEquals(CommandClass.WRITE, ConflictTable.classOf(row), row.name());
            }
        }
        assertTrue(CommandClass.READ.allowed(PrType.WRITE_EXCLUSIVE, false));
        assertFalse(CommandClass.READ.allowed(PrType.EXCLUSIVE_ACCESS, true));
        assertTrue(CommandClass.READ.allowed(PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, false));
        assertFalse(CommandClass.READ.allowed(PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS, false));
        assertTrue(CommandClass.READ.allowed(PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, true));
        assertFalse(CommandClass.WRITE.allowed(PrType.WRITE_EXCLUSIVE, true));
        assertTrue(CommandClass.WRITE.allowed(PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS, true));
        assertFalse(CommandClass.WRITE.allowed(PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS, false));
        for (PrType t : PrType.values()) {
            assertTrue(CommandClass.ALLOWED.allowed(t, false), t.name());
        }
    }

    @Test
    void preventAllow_isAllowedOnlyWithPreventZero() {
        assertEquals(CommandClass.ALLOWED, ConflictTable.classOf(new Cdb.PreventAllowMediumRemoval(false)));
        assertEquals(CommandClass.WRITE, ConflictTable.classOf(new Cdb.PreventAllowMediumRemoval(true)));
    }
}
