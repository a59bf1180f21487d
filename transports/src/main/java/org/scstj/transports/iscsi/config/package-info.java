/**
 * What the operator configured for the iSCSI driver, checked once when read: portals and portal
 * groups (RFC 7143 4.4.1), the targets' portal access and redirection, the defaults and bounds of
 * the operational keys (13), error recovery and retention limits, and authentication: the CHAP
 * accounts of targets, groups and discovery (12.1.3), the algorithms offered, their secrets (never
 * printed) and how failed CHAP responses are slowed down. Depends on no other iSCSI package.
 */
package org.scstj.transports.iscsi.config;
