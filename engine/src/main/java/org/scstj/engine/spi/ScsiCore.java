package org.scstj.engine.spi;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What the core offers a transport (the target-driver SPI, core side).
 */
public interface ScsiCore {
    /**
     * The targets this initiator may log in to (for iSCSI SendTargets): targets where the
     * initiator's security group, or the default LUN set, maps at least one LUN.
     */
    List<String> targetsVisibleTo(String initiatorName);

    /** Why a login is refused. */
    enum LoginRefusal { TARGET_NOT_FOUND, NOT_AUTHORIZED }

    /**
     * Opens an I_T nexus. Fails with {@link LoginRefusedException} when the target does not
     * exist or the initiator may see nothing there (security groups).
     */
    CompletionStage<SessionHandle> openSession(Nexus nexus);

    /** Thrown (as the failure of {@link #openSession}) when a login must be refused. */
    final class LoginRefusedException extends Exception {
        private final LoginRefusal reason;

        public LoginRefusedException(LoginRefusal reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public LoginRefusal reason() {
            return reason;
        }
    }
}
