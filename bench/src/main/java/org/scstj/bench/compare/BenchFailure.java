package org.scstj.bench.compare;

/**
 * Why a comparison cannot produce honest numbers: a client exited badly or reported errors, its
 * output had no summary, a target did not start or died. The comparison stops and exits non-zero
 * rather than print zeros.
 */
public final class BenchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public BenchFailure(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public BenchFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
