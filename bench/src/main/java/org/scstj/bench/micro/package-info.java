/**
 * JMH micro-benchmarks of scstj's hot pieces (docs/performance.md "How to measure"):
 *
 * <ul>
 *   <li>{@link org.scstj.bench.micro.PduDecodeBench}: iSCSI receive framing and parsing, SCSI
 *       Command + 4 KiB of write data, with and without digests (RFC 7143 11.2, 11.3, 11.7);</li>
 *   <li>{@link org.scstj.bench.micro.PduEncodeBench}: a Data-In with status and a SCSI Response with
 *       sense through the encoder (RFC 7143 11.4, 11.7);</li>
 *   <li>{@link org.scstj.bench.micro.CdbDecodeBench}: the parse stage (SAM-5 5.2, SBC-4, SPC-5);</li>
 *   <li>{@link org.scstj.bench.micro.Crc32cBench}: CRC32C digests (RFC 7143 13.1);</li>
 *   <li>{@link org.scstj.bench.micro.SenseBench}: CHECK CONDITION responses (SPC-5 4.4);</li>
 *   <li>{@link org.scstj.bench.micro.RoundTripBench}: whole READ/WRITE commands through the engine
 *       over the loopback target driver, at queue depth 1 and 32.</li>
 * </ul>
 *
 * <p>Run (after {@code mvn -pl bench -am package}; the machine is small and shared, keep runs short,
 * compare ratios within one run):
 * <pre>
 * java -cp "bench/target/scstj-bench-*.jar:bench/target/lib/*" org.openjdk.jmh.Main \
 *     -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc 'org.scstj.bench.micro.*'
 * </pre>
 * {@code -prof gc} adds {@code gc.alloc.rate.norm}: bytes allocated per operation, by every thread
 * of the JVM (for the round trip: initiator, engine and device handler threads together).
 * {@code BenchmarksRunOnceTest} runs every benchmark once outside JMH in the build.
 */
package org.scstj.bench.micro;
