/**
 * Asymmetric logical unit access (SPC-5 5.16): the access states a command table's rows are
 * checked against, the target port groups of a logical unit and their states ({@link
 * org.scstj.engine.alua.AluaState}, owned by the LU's LUN actor), and what INQUIRY says of them
 * ({@link org.scstj.engine.alua.Tpgs}).
 */
package org.scstj.engine.alua;
