/**
 * {@code scstj admin}: the admin API from the command line and an interactive shell (picocli,
 * JLine). It knows the daemon only through HTTP and the files the daemon leaves in its state-dir
 * ({@code admin/url}, the tokens); {@code MgmtArchitectureTest} holds it to that.
 */
package org.scstj.mgmt.cli;
