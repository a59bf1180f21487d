/**
 * RFC 7143 6 and 13: key=value text, the login stage machine (security, operational, full
 * feature), operational negotiation with each key's result function, the AuthMethod seam, and
 * SendTargets discovery.
 */
package org.scstj.transports.iscsi.login;
