package org.scstj.engine.exec;

import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.lu.CopyScope;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;

/**
 * {@link LuContext}s for tests: a disk's command set, state of its own unless given, a read-only
 * flag that stands for the mapping too unless said otherwise.
 */
public final class LuContexts {
    private LuContexts() {
    }

    /** Default mode parameters with D_SENSE as given, everything else of its own. */
    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, boolean descriptorSense) {
        return of(lun, device, readOnly, nexus, defaults(device, descriptorSense));
    }

    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode) {
        return of(lun, device, readOnly, nexus, mode, new MediumState(removable(device)));
    }

    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                               MediumState medium) {
        return of(lun, device, readOnly, nexus, mode, medium, LuStates.unlimited(),
                LuStates.only(lun, device, readOnly, mode));
    }

    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                               CopyScope copy) {
        return of(lun, device, readOnly, nexus, mode, new MediumState(removable(device)),
                LuStates.unlimited(), copy);
    }

    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                               WholeMediumState wholeMedium) {
        return of(lun, device, readOnly, nexus, mode, new MediumState(removable(device)), wholeMedium,
                LuStates.only(lun, device, readOnly, mode));
    }

    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                               MediumState medium, WholeMediumState wholeMedium, CopyScope copy) {
        return of(lun, device, readOnly, nexus, new UnitState(medium, mode, wholeMedium, new Reservations()), copy);
    }

    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, ModeParameters mode,
                               MediumState medium, WholeMediumState wholeMedium, CopyScope copy,
                               Reservations reservations) {
        return of(lun, device, readOnly, nexus, new UnitState(medium, mode, wholeMedium, reservations), copy);
    }

    /** A context on a given state (the one a LUN actor under test owns). */
    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, UnitState state) {
        return of(lun, device, readOnly, nexus, state, LuStates.only(lun, device, readOnly, state.mode()));
    }

    public static LuContext of(int lun, BlockDevice device, boolean readOnly, Nexus nexus, UnitState state,
                               CopyScope copy) {
        return new LuContext(lun, device, CommandSets.DISK, readOnly, readOnly, nexus, state, copy);
    }

    /** A fresh state for {@code device}: medium loaded, default mode parameters, no reservation. */
    public static UnitState state(BlockDevice device) {
        return new UnitState(new MediumState(removable(device)), defaults(device, false), LuStates.unlimited(),
                new Reservations());
    }

    private static boolean removable(BlockDevice device) {
        return device != null && device.capabilities().removable();
    }

    private static ModeParameters defaults(BlockDevice device, boolean descriptorSense) {
        ModeParameters m = new ModeParameters(device != null && device.capabilities().writeBackCache());
        m.apply(m.writeBackDefault(), descriptorSense, false);
        return m;
    }
}
