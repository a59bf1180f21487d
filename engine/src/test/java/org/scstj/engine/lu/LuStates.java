package org.scstj.engine.lu;

import org.scstj.engine.spi.BlockDevice;

/** LU state objects for tests: whole-medium operations that step on the completing thread, copy scopes of one LU. */
public final class LuStates {
    private LuStates() {
    }

    /** Operations as fast as the device goes, each step on the thread that completed the one before. */
    public static WholeMediumState unlimited() {
        return new WholeMediumState(0, null);
    }

    /** A fixed-medium LU with no whole-medium operation of its own, as a copy sees it. */
    public static CopyScope.Target target(int lun, BlockDevice device, boolean readOnly, ModeParameters mode) {
        return new CopyScope.Target(lun, device, readOnly, mode, new MediumState(false), unlimited());
    }

    /** A scope holding only the LU itself, with its own copy manager. */
    public static CopyScope only(int lun, BlockDevice device, boolean readOnly, ModeParameters mode) {
        return new CopyScope(device == null ? java.util.Map.of()
                : CopyScope.byNaa(java.util.List.of(target(lun, device, readOnly, mode))), new CopyManager(),
                new CopyStatusTable());
    }
}
