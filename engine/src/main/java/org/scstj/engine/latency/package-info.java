/**
 * Per-stage command latency, like SCST's {@code measure_latency}: HdrHistogram histograms per LU of
 * each stage a command passes (receive, parse, checks, task set, exec, xmit), split by operation and
 * transfer size class, switched on and off at run time ({@link org.scstj.engine.latency.LatencyRecorder}),
 * and the JDK Flight Recorder events of the same stages and of task management. See docs/latency.md.
 */
package org.scstj.engine.latency;
