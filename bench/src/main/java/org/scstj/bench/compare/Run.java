package org.scstj.bench.compare;

/**
 * One measured client run against one target.
 *
 * @param iops            I/Os per second the client reported
 * @param ios             I/Os completed in the measured interval
 * @param cpuMicrosPerIo  the target process's CPU time (user + system, every thread) during the
 *                        client's run, divided by {@code ios}, in microseconds
 */
record Run(double iops, double ios, double cpuMicrosPerIo) {

    /** MiB per second, for requests of {@code bytes}. */
    double mibPerSecond(int bytes) {
        return iops * bytes / (1 << 20);
    }
}
