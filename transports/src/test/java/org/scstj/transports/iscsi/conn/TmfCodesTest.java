package org.scstj.transports.iscsi.conn;

import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.TmfRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TmfCodesTest {
    @Test
    void iscsiFunctionCodes_mapToSamFunctions() {
        assertEquals(TmfRequest.Function.ABORT_TASK, TmfCodes.function(1));
        assertEquals(TmfRequest.Function.ABORT_TASK_SET, TmfCodes.function(2));
        assertEquals(TmfRequest.Function.CLEAR_ACA, TmfCodes.function(3));
        assertEquals(TmfRequest.Function.CLEAR_TASK_SET, TmfCodes.function(4));
        assertEquals(TmfRequest.Function.LOGICAL_UNIT_RESET, TmfCodes.function(5));
        assertEquals(TmfRequest.Function.TARGET_WARM_RESET, TmfCodes.function(6));
        assertEquals(TmfRequest.Function.TARGET_COLD_RESET, TmfCodes.function(7));
        assertNull(TmfCodes.function(8)); // TASK REASSIGN: answered by the transport at ERL 0
        assertNull(TmfCodes.function(0));
        assertNull(TmfCodes.function(99));
    }

    @Test
    void samResponses_mapToRfc7143Codes() {
        assertEquals(0, TmfCodes.code(TmfRequest.Response.FUNCTION_COMPLETE));
        assertEquals(0, TmfCodes.code(TmfRequest.Response.FUNCTION_SUCCEEDED));
        assertEquals(1, TmfCodes.code(TmfRequest.Response.TASK_DOES_NOT_EXIST));
        assertEquals(2, TmfCodes.code(TmfRequest.Response.LUN_DOES_NOT_EXIST));
        assertEquals(4, TmfCodes.code(TmfRequest.Response.TASK_REASSIGN_NOT_SUPPORTED));
        assertEquals(5, TmfCodes.code(TmfRequest.Response.FUNCTION_NOT_SUPPORTED));
        assertEquals(6, TmfCodes.code(TmfRequest.Response.AUTHORIZATION_FAILED));
        assertEquals(255, TmfCodes.code(TmfRequest.Response.FUNCTION_REJECTED));
    }
}
