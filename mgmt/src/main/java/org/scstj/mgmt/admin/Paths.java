package org.scstj.mgmt.admin;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The admin API's resource paths: one spelling, used by the routes, the tree and the plan. */
final class Paths {
    static final String API = "/api/v1";
    static final String DRIVER = API + "/target-drivers/iscsi";
    static final String ALUA = API + "/alua";

    private Paths() {
    }

    static String device(String name) {
        return API + "/devices/" + encode(name);
    }

    static String handler(String type) {
        return API + "/handlers/" + encode(type);
    }

    static String target(String name) {
        return API + "/targets/" + encode(name);
    }

    static String portal(String portal) {
        return API + "/portals/" + encode(portal);
    }

    static String deviceGroup(String name) {
        return ALUA + "/device-groups/" + encode(name);
    }

    static String targetGroup(String name) {
        return ALUA + "/target-groups/" + encode(name);
    }

    static String session(String id) {
        return API + "/sessions/" + encode(id);
    }

    /** One path segment: iSCSI names keep their ':' and '.', anything else is percent-encoded. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
    }

    static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
