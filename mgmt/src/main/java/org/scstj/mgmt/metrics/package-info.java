/**
 * {@code GET /metrics}: the daemon's counters and latencies in the Prometheus text format
 * (docs/metrics.md), read from the engine's and the iSCSI driver's own counters at scrape time.
 */
package org.scstj.mgmt.metrics;
