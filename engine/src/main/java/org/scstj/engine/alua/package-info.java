/**
 * Asymmetric logical unit access (SPC-5 5.16): the access states a command table's rows are
 * checked against. The state of each target port group arrives with ALUA support; until then
 * every port is active/optimized.
 */
package org.scstj.engine.alua;
