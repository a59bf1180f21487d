package org.scstj.handlers.vtape;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.TapeMedium;
import org.scstj.handlers.common.DeviceIdentity;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * One virtual tape drive (SSC-3; SPC-5 6.7.2 PERIPHERAL DEVICE TYPE 01h): the {@link Cartridge} in it, or none.
 * Its data moves through {@link #tape()}; the block methods of {@link BlockDevice} are never called
 * for a tape. A tape has no fixed geometry: its records have their own lengths (SSC-3 variable block mode), so
 * {@link #blockSize} and {@link #blockCount} are 0. The cartridge changes only through
 * {@link #changeMedium}, between commands; the old one is closed after the new one opened, so a
 * failed load leaves the old cartridge in.
 */
final class VtapeDevice implements BlockDevice {
    private final String name;
    private final Path library;
    private final long capacity;
    private final Executor executor;
    private final Capabilities capabilities;
    private volatile Cartridge cartridge;

    private VtapeDevice(String name, Path library, long capacity, Executor executor) {
        this.name = name;
        this.library = library;
        this.capacity = capacity;
        this.executor = executor;
        // removable by nature, written through (every write is durable on completion), no thin
        // provisioning; rotation rate 0 (not reported)
        this.capabilities = new Capabilities(false, false, false, true, 0,
                DeviceIdentity.serial(name), DeviceIdentity.naaId(name));
    }

    /**
     * Opens a drive over {@code library} with cartridge {@code barcode} in it (created with
     * {@code capacity} bytes when missing), or empty when {@code barcode} is null.
     */
    static VtapeDevice open(String name, Path library, String barcode, long capacity, Executor executor)
            throws IOException {
        VtapeDevice d = new VtapeDevice(name, library, capacity, executor);
        if (barcode != null) {
            d.cartridge = Cartridge.open(library, barcode, capacity, executor);
        }
        return d;
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return VtapeHandler.TYPE; }
    @Override public int peripheralDeviceType() { return TAPE; }
    @Override public Capabilities capabilities() { return capabilities; }
    @Override public boolean mediumLoaded() { return cartridge != null; }
    @Override public TapeMedium tape() { return cartridge; }

    /** No logical block size: a tape's records are as long as each write made them (SSC-3 variable block mode). */
    @Override
    public int blockSize() {
        return 0;
    }

    /** No logical blocks: a tape is addressed by logical object (SSC-3 4.2.6), see {@link #tape()}. */
    @Override
    public long blockCount() {
        return 0;
    }

    /** The barcode of the cartridge in the drive, or null when it is empty (for the management view). */
    String barcode() {
        Cartridge c = cartridge;
        return c == null ? null : c.barcode();
    }

    /**
     * Loads cartridge {@code medium} (a barcode) from the library, creating it with the drive's
     * capacity when it is not there; null unloads. Loading the cartridge already in changes nothing.
     */
    @Override
    public void changeMedium(String medium) throws IOException {
        Cartridge old = cartridge;
        if (medium != null) {
            String problem = Cartridge.barcodeProblem(medium);
            if (problem != null) {
                throw new IOException(problem);
            }
            if (old != null && old.barcode().equals(medium)) {
                return;
            }
        }
        cartridge = medium == null ? null : Cartridge.open(library, medium, capacity, executor);
        if (old != null) {
            old.close();
        }
    }

    /** Never called for a tape: its data moves through {@link #tape()}. */
    @Override
    public void read(long offset, ByteBuffer dst, Completion done) {
        done.failed(IoFailure.INTERNAL,
                new UnsupportedOperationException(name + " is a tape drive: read its cartridge"));
    }

    /** Never called for a tape: its data moves through {@link #tape()}. */
    @Override
    public void write(long offset, ByteBuffer src, boolean fua, Completion done) {
        done.failed(IoFailure.INTERNAL,
                new UnsupportedOperationException(name + " is a tape drive: write its cartridge"));
    }

    /** Every completed write is durable already (each ends with an fdatasync): nothing to flush. */
    @Override
    public void flush(Completion done) {
        done.completed();
    }

    @Override
    public void close() {
        Cartridge c = cartridge;
        cartridge = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // every completed write is durable: closing loses nothing
                LoggerFactory.getLogger(VtapeDevice.class).warn("{}: closing cartridge {}: {}", name, c.barcode(),
                        e.toString());
            }
        }
    }
}
