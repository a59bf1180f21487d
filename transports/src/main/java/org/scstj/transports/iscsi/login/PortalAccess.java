package org.scstj.transports.iscsi.login;

import org.scstj.transports.iscsi.config.IscsiSettings;

import java.util.Map;

/**
 * Whether a Normal-session login for a target may go on at the portal group the connection
 * arrived on. A target is reached through the portal groups configured for it (RFC 7143 4.4.1);
 * a login elsewhere is refused 0x0203 unless the target is redirected. A redirect (RFC 7143 6.2,
 * 11.13.5) answers with status class 1 and {@code TargetAddress}: a group's redirect for its own
 * targets, a target's redirect on the portals of the groups it is not in. Only an initiator that
 * may see the target is told where it went; the others get the answer they would get anyway.
 */
public final class PortalAccess {
    private PortalAccess() {
    }

    /** @return null to go on with the login, else the {@link LoginStep.Refuse} or {@link LoginStep.Redirect} */
    public static LoginStep check(IscsiSettings settings, IscsiSettings.PortalGroup arrivedOn, String target,
                                  boolean visibleToInitiator) {
        boolean member = settings.groupsOf(target).contains(arrivedOn);
        IscsiSettings.Redirect redirect = member ? arrivedOn.redirect() : settings.redirectOf(target);
        if (redirect != null && visibleToInitiator) {
            return new LoginStep.Redirect(redirect.permanent() ? LoginStatus.TARGET_MOVED_PERMANENTLY
                    : LoginStatus.TARGET_MOVED_TEMPORARILY,
                    TextParameters.format(Map.of("TargetAddress", redirect.targetAddress())));
        }
        return member ? null : new LoginStep.Refuse(LoginStatus.NOT_FOUND);
    }
}
