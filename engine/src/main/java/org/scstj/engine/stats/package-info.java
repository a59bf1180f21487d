/**
 * The engine's counters for the management plane's metrics (docs/metrics.md): plain longs, each
 * written by one actor (a LU's by its LUN actor) with opaque stores and read at any time by a
 * scrape, so counting costs the fast path no lock, no fence and no allocation. The engine knows
 * no metrics library: mgmt reads these at scrape time, and sees latencies through
 * {@link org.scstj.engine.spi.CommandObserver}.
 */
package org.scstj.engine.stats;
