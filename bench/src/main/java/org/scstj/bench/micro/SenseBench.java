package org.scstj.bench.micro;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.ScsiResponse;

import java.util.concurrent.TimeUnit;

/**
 * A failed command's answer, built the way the engine builds it on every CHECK CONDITION: a
 * {@link Failure} value, then {@link Failure#toResponse} writes the sense bytes (SPC-5 4.4) and
 * wraps them in a {@link ScsiResponse}.
 *
 * <ul>
 *   <li>{@code PLAIN}: LOGICAL BLOCK ADDRESS OUT OF RANGE 05/21/00 (SBC-4 4.5), no extras;</li>
 *   <li>{@code FIELD_POINTER}: INVALID FIELD IN CDB 05/24/00 with a sense-key-specific field
 *       pointer (SPC-5 4.4.2.4.2, byte 2 bit 7);</li>
 *   <li>{@code INFORMATION}: MISCOMPARE DURING VERIFY 0E/1D/00 with the INFORMATION field
 *       (SPC-5 4.4.2.2, SBC-4 5.35).</li>
 * </ul>
 * In fixed format (70h, SPC-5 4.4.3) or descriptor format (72h, SPC-5 4.4.2).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xms256m", "-Xmx1g"})
public class SenseBench {
    /** What the sense data says. */
    public enum Kind { PLAIN, FIELD_POINTER, INFORMATION }

    /** SPC-5 4.4.1 sense data format. */
    public enum Format { FIXED, DESCRIPTOR }

    @Param({"PLAIN", "FIELD_POINTER", "INFORMATION"})
    public Kind kind;

    @Param({"FIXED", "DESCRIPTOR"})
    public Format format;

    /** Varies so the INFORMATION field is not a constant the compiler could fold. */
    private long lba = 0x1234_5678L;

    @Benchmark
    public ScsiResponse build() {
        boolean descriptor = format == Format.DESCRIPTOR;
        Failure f = switch (kind) {
            case PLAIN -> Failure.of(SenseReason.LBA_OUT_OF_RANGE);
            case FIELD_POINTER -> Failure.invalidFieldInCdb(2, 7);
            case INFORMATION -> Failure.withInformation(SenseReason.MISCOMPARE_DURING_VERIFY, lba++);
        };
        return f.toResponse(descriptor);
    }
}
