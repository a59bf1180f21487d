package org.scstj.bench.micro;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.CommandSet;

import java.util.concurrent.TimeUnit;

/**
 * The parse stage (SAM-5 5.2, decode once): CDB bytes to a typed command through
 * {@link CommandSet#parse} of the disk command set, as the session actor runs it for every command:
 * the row lookup, the reserved-bit check against the usage mask (SPC-5 4.2.2), the CONTROL byte
 * (SAM-5 5.4) and the command's own fields. The CDBs are 16 bytes as iSCSI delivers them
 * (RFC 7143 11.3.5), whatever the command's length.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms256m", "-Xmx1g"})
public class CdbDecodeBench {
    /** The command decoded. */
    public enum Command {
        /** SBC-4 5.15 READ(10), 8 blocks at LBA 0x1234. */
        READ_10,
        /** SBC-4 5.17 READ(16), 8 blocks at a 64-bit LBA, FUA. */
        READ_16,
        /** SBC-4 5.41 WRITE(16), 2048 blocks at a 64-bit LBA. */
        WRITE_16,
        /** SPC-5 6.7 INQUIRY, standard data, ALLOCATION LENGTH 96. */
        INQUIRY
    }

    @Param({"READ_10", "READ_16", "WRITE_16", "INQUIRY"})
    public Command command;

    private final CommandSet commands = CommandSets.DISK;
    private byte[] cdb;

    @Setup(Level.Trial)
    public void setUp() {
        cdb = cdb(command);
        if (!commands.parse(cdb).decoded()) {
            throw new IllegalStateException(command + " CDB does not decode: " + commands.parse(cdb).failure());
        }
    }

    @Benchmark
    public CommandSet.Parsed parse() {
        return commands.parse(cdb);
    }

    static byte[] cdb(Command command) {
        byte[] c = new byte[16];
        switch (command) {
            case READ_10 -> {
                c[0] = 0x28;
                c[4] = 0x12;
                c[5] = 0x34;
                c[8] = 8;
            }
            case READ_16 -> {
                c[0] = (byte) 0x88;
                c[1] = 0x08; // FUA
                c[5] = 0x01; // LBA 0x0000_0001_0000_1000
                c[8] = 0x10;
                c[13] = 8;
            }
            case WRITE_16 -> {
                c[0] = (byte) 0x8A;
                c[5] = 0x01;
                c[12] = 0x08; // 2048 blocks
            }
            case INQUIRY -> {
                c[0] = 0x12;
                c[4] = 96;
            }
        }
        return c;
    }
}
