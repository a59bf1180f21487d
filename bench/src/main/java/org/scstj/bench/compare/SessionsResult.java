package org.scstj.bench.compare;

/**
 * Many concurrent sessions against one freshly started target.
 *
 * @param run            the total IOPS of all clients and the target's CPU time per I/O
 * @param idleKib        {@code VmRSS} of the fresh target before the clients started
 * @param sampledMaxKib  the largest {@code VmRSS} sampled every 200 ms during the run
 * @param hwmKib         {@code VmHWM} at the end: the peak resident set since the target started
 * @param samples        how many samples were taken
 */
record SessionsResult(Run run, long idleKib, long sampledMaxKib, long hwmKib, int samples) {
}
