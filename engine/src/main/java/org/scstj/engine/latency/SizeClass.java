package org.scstj.engine.latency;

/**
 * The transfer size class of a command, from its expected data transfer length (the transport
 * header's EDTL): up to 4 KiB (a command without data included), up to 64 KiB, up to 1 MiB, more.
 */
public enum SizeClass {
    UP_TO_4K("<=4k"), UP_TO_64K("<=64k"), UP_TO_1M("<=1m"), OVER_1M(">1m");

    static final SizeClass[] ALL = values();

    private final String label;

    SizeClass(String label) {
        this.label = label;
    }

    /** The class of a transfer of {@code bytes} (unsigned, as EDTL is). */
    public static SizeClass of(long bytes) {
        if (bytes <= 4096) {
            return UP_TO_4K;
        }
        if (bytes <= 65536) {
            return UP_TO_64K;
        }
        return bytes <= 1 << 20 ? UP_TO_1M : OVER_1M;
    }

    public String label() {
        return label;
    }
}
