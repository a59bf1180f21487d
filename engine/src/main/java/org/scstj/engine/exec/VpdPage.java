package org.scstj.engine.exec;

import java.util.function.Function;

/**
 * A vital product data page a command set adds to the common ones of SPC-5 7.7 (Supported VPD
 * Pages, Unit Serial Number, Device Identification): e.g. SBC-4's Block Limits and the Third-party
 * Copy page. INQUIRY with EVPD lists and returns it for the LUs of that set.
 *
 * @param code    PAGE CODE
 * @param content the page, header included, for one LU as one nexus sees it
 */
public record VpdPage(int code, Function<LuContext, byte[]> content) {
}
