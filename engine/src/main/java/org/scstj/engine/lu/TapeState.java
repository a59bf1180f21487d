package org.scstj.engine.lu;

import java.util.ArrayDeque;

/**
 * The drive side of a sequential-access LU (SSC-3 4.2): where the drive is on its cartridge (the
 * logical object identifier of the next object, SSC-3 4.2.6), the block length of fixed-block mode
 * (the mode parameter block descriptor's BLOCK LENGTH, 0: variable, SSC-3 8.3.3), and the queue of
 * commands that move the medium. One object per tape LU, owned by its LUN actor like
 * {@link ModeParameters}; every method runs on the actor's thread.
 *
 * <p>A drive has one position, so its medium commands run one at a time, in the order they entered
 * the task set: {@link #run} starts one now or queues it; the command calls {@link #done} (through
 * the actor: {@code ExecContext.withState}) once its medium I/O finished, which starts the next.
 * Everything a queued command decides (where it reads, what it reports) it decides when its turn
 * comes, from the medium as the commands before it left it.
 */
public final class TapeState {
    /** READ BLOCK LIMITS (SSC-3 7.? / 5.? ): the largest logical block, 1 MiB; the smallest, 1 byte. */
    public static final int MAX_BLOCK_LENGTH = 1 << 20;
    public static final int MIN_BLOCK_LENGTH = 1;
    /** The density code the drive reports and accepts (vendor-specific range, SSC-3 8.3.3, REPORT DENSITY SUPPORT). */
    public static final int DENSITY = 0x80;

    private long position;
    /** Volatile: the transport side reads it for a WRITE's Data-Out length ({@code exec.LuContext#dataOutBlockSize}). */
    private volatile int blockLength;
    private boolean busy;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    /** The logical object identifier the drive is at (0: beginning of partition). */
    public long position() {
        return position;
    }

    public void position(long position) {
        this.position = position;
    }

    /** Fixed-block mode's block length, 0 for variable-block mode. */
    public int blockLength() {
        return blockLength;
    }

    public void blockLength(int blockLength) {
        this.blockLength = blockLength;
    }

    /** A cartridge was loaded or unloaded: the drive is at the beginning of the partition. */
    public void rewound() {
        position = 0;
    }

    /** Runs {@code command} now when no medium command runs, else after those before it called {@link #done}. */
    public void run(Runnable command) {
        if (busy) {
            waiting.addLast(command);
            return;
        }
        busy = true;
        command.run();
    }

    /** The running medium command is over: the next one starts. */
    public void done() {
        Runnable next = waiting.pollFirst();
        if (next == null) {
            busy = false;
            return;
        }
        next.run();
    }
}
