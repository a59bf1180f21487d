package org.scstj.engine.lu;

import org.scstj.engine.spi.Nexus;

import java.util.HashSet;
import java.util.Set;

/**
 * The echo buffer of one logical unit (SPC-5 6.17.7 READ BUFFER and 6.49.7 WRITE BUFFER, mode
 * 0Ah): what the last WRITE BUFFER in echo buffer mode wrote, and through which I_T nexus. A READ
 * BUFFER in echo mode returns it to that nexus; another nexus that wrote since makes it ECHO BUFFER
 * OVERWRITTEN for the first (EBOS 1 in the descriptor, 0Bh), and a nexus that never wrote gets
 * COMMAND SEQUENCE ERROR. One buffer of {@link #CAPACITY} bytes per LU: memory is bounded whatever
 * the number of nexuses. Owned by the LUN actor ({@link org.scstj.engine.exec.LuState}).
 */
public final class EchoBuffer {
    /** BUFFER CAPACITY of the echo buffer descriptor: a multiple of 4, at most 4096 (SPC-5 6.17.8). */
    public static final int CAPACITY = 4096;

    /** What a READ BUFFER in echo mode finds for a nexus. */
    public sealed interface Read {
        /** The data that nexus wrote last. */
        record Data(byte[] bytes) implements Read {
        }

        /** That nexus never wrote the echo buffer (or not since a reset): COMMAND SEQUENCE ERROR. */
        record NeverWritten() implements Read {
        }

        /** Another nexus wrote it after this one: ECHO BUFFER OVERWRITTEN. */
        record Overwritten() implements Read {
        }
    }

    private byte[] data;
    private Nexus writer;
    /** Nexuses whose data another nexus overwrote (bounded by the nexuses that ever wrote). */
    private final Set<Nexus> overwritten = new HashSet<>();

    /** WRITE BUFFER, echo buffer mode: {@code bytes} (at most {@link #CAPACITY}) written by {@code nexus}. */
    public void write(Nexus nexus, byte[] bytes) {
        if (writer != null && !writer.equals(nexus)) {
            overwritten.add(writer);
        }
        overwritten.remove(nexus);
        writer = nexus;
        data = bytes;
    }

    /** READ BUFFER, echo buffer mode, from {@code nexus}. */
    public Read read(Nexus nexus) {
        if (nexus.equals(writer)) {
            return new Read.Data(data);
        }
        return overwritten.contains(nexus) ? new Read.Overwritten() : new Read.NeverWritten();
    }

    /** I_T nexus loss of {@code nexus}: what it wrote is no longer its own to read back. */
    public void nexusLost(Nexus nexus) {
        overwritten.remove(nexus);
        if (nexus.equals(writer)) {
            writer = null;
            data = null;
        }
    }
}
