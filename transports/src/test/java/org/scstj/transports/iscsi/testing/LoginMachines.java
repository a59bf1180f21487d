package org.scstj.transports.iscsi.testing;

import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.login.LoginStateMachine;
import org.scstj.transports.iscsi.login.SecurityNegotiation;

/** Login state machines for tests of the login phase alone, without a connection. */
public final class LoginMachines {
    private LoginMachines() {
    }

    /** As a connection arriving on the first portal group makes it, every target reachable there. */
    public static LoginStateMachine onFirstPortalGroup(IscsiSettings settings, SecurityNegotiation security) {
        return new LoginStateMachine(settings, security, settings.portalGroups().getFirst().tag(), (initiator, target) -> null);
    }
}
