package org.scstj.mgmt;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

/** The one switch on top of {@code logback.xml}: {@code -v} turns scstj's own loggers to DEBUG. */
final class Logging {
    private Logging() {
    }

    static void verbose() {
        if (LoggerFactory.getLogger("org.scstj") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(Level.DEBUG);
        }
    }
}
