package org.scstj.engine.cdb;

/** Which way a command's data moves (SAM-5 5.1): none, Data-In (to the initiator), Data-Out. */
public enum DataDirection {
    NONE, IN, OUT
}
