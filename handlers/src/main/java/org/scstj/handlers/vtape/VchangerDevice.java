package org.scstj.handlers.vtape;

import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Media;
import org.scstj.engine.spi.MediumChanger;
import org.scstj.handlers.common.DeviceIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One virtual medium changer (SMC-3): a robot (transport element 0), data transfer elements from
 * {@link #FIRST_DRIVE} (the {@code vtape} drives it serves, in configuration order), import/export
 * elements from {@link #FIRST_IMPORT_EXPORT}, storage elements from {@link #FIRST_STORAGE}. The
 * inventory lives in memory, is saved after every move ({@link Inventory}) and survives a restart;
 * the drives are loaded as it says once the engine has started. A move into a drive loads the
 * cartridge there and one out of a drive unloads it, through the engine ({@link Media}), so the
 * drive's initiators see the medium change, and a drive whose initiator prevents removal keeps its
 * cartridge (MEDIUM REMOVAL PREVENTED). Moves run one at a time, in the order asked.
 */
final class VchangerDevice implements BlockDevice, MediumChanger {
    static final int TRANSPORT = 0;
    static final int FIRST_DRIVE = 256;
    static final int FIRST_IMPORT_EXPORT = 768;
    static final int FIRST_STORAGE = 1024;
    private static final Logger log = LoggerFactory.getLogger(VchangerDevice.class);

    private final String name;
    private final List<String> drives;
    private final int importExport;
    private final int slots;
    private final Path inventoryFile;
    private final Media media;
    private final Executor executor;
    private final Capabilities capabilities;
    /** Full elements by address: touched only by the robot (one move at a time) and read by {@link #elements}. */
    private volatile Map<Integer, Inventory.Slot> full;
    private CompletableFuture<Void> robot = CompletableFuture.completedFuture(null);

    /** Why a move did not happen. */
    private record Refusal(MoveFailure failure, String why) {
        Refusal(MoveFailure failure) {
            this(failure, failure.name());
        }
    }

    VchangerDevice(String name, List<String> drives, int importExport, int slots, Path inventoryFile,
                   Map<Integer, Inventory.Slot> full, Media media, Executor executor) {
        this.name = name;
        this.drives = List.copyOf(drives);
        this.importExport = importExport;
        this.slots = slots;
        this.inventoryFile = inventoryFile;
        this.full = Map.copyOf(full);
        this.media = media;
        this.executor = executor;
        this.capabilities = new Capabilities(false, false, false, true, 0,
                DeviceIdentity.serial(name), DeviceIdentity.naaId(name));
    }

    /** Loads each drive with the cartridge the inventory puts there, once the engine runs; a failure is logged. */
    void loadDrives() {
        for (int i = 0; i < drives.size(); i++) {
            Inventory.Slot s = full.get(FIRST_DRIVE + i);
            if (s == null) {
                continue; // an empty drive stays as it opened (a drive a changer serves has no cartridge of its own)
            }
            String drive = drives.get(i);
            media.changeMedium(drive, s.barcode(), true).whenComplete((v, e) -> {
                if (e != null) {
                    log.error("changer {}: loading drive {} as the inventory says failed: {}", name, drive,
                            e instanceof CompletionException c && c.getCause() != null ? c.getCause().getMessage() : e.getMessage());
                }
            });
        }
    }

    @Override public String name() { return name; }
    @Override public String handlerType() { return VchangerHandler.TYPE; }
    @Override public int peripheralDeviceType() { return MEDIUM_CHANGER; }
    @Override public int blockSize() { return 0; }
    @Override public long blockCount() { return 0; }
    @Override public Capabilities capabilities() { return capabilities; }
    @Override public MediumChanger changer() { return this; }

    @Override
    public List<Element> elements() {
        Map<Integer, Inventory.Slot> now = full;
        List<Element> out = new ArrayList<>();
        out.add(element(ElementType.TRANSPORT, TRANSPORT, now, null));
        for (int i = 0; i < drives.size(); i++) {
            out.add(element(ElementType.DATA_TRANSFER, FIRST_DRIVE + i, now, drives.get(i)));
        }
        for (int i = 0; i < importExport; i++) {
            out.add(element(ElementType.IMPORT_EXPORT, FIRST_IMPORT_EXPORT + i, now, null));
        }
        for (int i = 0; i < slots; i++) {
            out.add(element(ElementType.STORAGE, FIRST_STORAGE + i, now, null));
        }
        return out;
    }

    private static Element element(ElementType type, int address, Map<Integer, Inventory.Slot> now, String drive) {
        Inventory.Slot s = now.get(address);
        return new Element(type, address, s == null ? null : s.barcode(), s == null ? -1 : s.source(), drive,
                drive == null ? null : DeviceIdentity.serial(drive));
    }

    /** The type of the element at {@code address}, or null when there is none. */
    ElementType typeOf(int address) {
        if (address == TRANSPORT) {
            return ElementType.TRANSPORT;
        }
        if (address >= FIRST_DRIVE && address < FIRST_DRIVE + drives.size()) {
            return ElementType.DATA_TRANSFER;
        }
        if (address >= FIRST_IMPORT_EXPORT && address < FIRST_IMPORT_EXPORT + importExport) {
            return ElementType.IMPORT_EXPORT;
        }
        if (address >= FIRST_STORAGE && address < FIRST_STORAGE + slots) {
            return ElementType.STORAGE;
        }
        return null;
    }

    @Override
    public void move(int source, int destination, MoveCompletion done) {
        onRobot(done, () -> {
            Refusal refused = check(source, destination);
            if (refused != null) {
                return refused;
            }
            return relocate(new int[][] {{source, destination}});
        });
    }

    @Override
    public void exchange(int source, int first, int second, MoveCompletion done) {
        onRobot(done, () -> {
            if (typeOf(source) == null || typeOf(first) == null || typeOf(second) == null
                    || typeOf(source) == ElementType.TRANSPORT || typeOf(first) == ElementType.TRANSPORT
                    || typeOf(second) == ElementType.TRANSPORT) {
                return new Refusal(MoveFailure.INVALID_ELEMENT_ADDRESS);
            }
            if (!full.containsKey(source) || !full.containsKey(first)) {
                return new Refusal(MoveFailure.SOURCE_EMPTY);
            }
            if (second != source && full.containsKey(second)) {
                return new Refusal(MoveFailure.DESTINATION_FULL);
            }
            // SMC-3 EXCHANGE MEDIUM: first's cartridge to second, then source's to first
            return relocate(new int[][] {{first, second}, {source, first}});
        });
    }

    @Override
    public void importCartridge(String barcode, MoveCompletion done) {
        onRobot(done, () -> {
            String problem = Cartridge.barcodeProblem(barcode);
            if (problem != null) {
                return new Refusal(MoveFailure.INVALID_ELEMENT_ADDRESS, problem);
            }
            for (Map.Entry<Integer, Inventory.Slot> e : full.entrySet()) {
                if (e.getValue().barcode().equals(barcode)) {
                    return new Refusal(MoveFailure.DESTINATION_FULL, barcode + " is in the library already, in element "
                            + e.getKey());
                }
            }
            for (int i = 0; i < importExport; i++) {
                int address = FIRST_IMPORT_EXPORT + i;
                if (!full.containsKey(address)) {
                    Map<Integer, Inventory.Slot> next = new TreeMap<>(full);
                    next.put(address, new Inventory.Slot(barcode, -1));
                    return save(next);
                }
            }
            return new Refusal(MoveFailure.DESTINATION_FULL, "every import/export element of " + name + " is full");
        });
    }

    @Override
    public void exportCartridge(String barcode, MoveCompletion done) {
        onRobot(done, () -> {
            for (int i = 0; i < importExport; i++) {
                int address = FIRST_IMPORT_EXPORT + i;
                Inventory.Slot s = full.get(address);
                if (s != null && s.barcode().equals(barcode)) {
                    Map<Integer, Inventory.Slot> next = new TreeMap<>(full);
                    next.remove(address);
                    return save(next);
                }
            }
            return new Refusal(MoveFailure.SOURCE_EMPTY, barcode + " is in no import/export element of " + name
                    + " (move it to one first)");
        });
    }

    /** Makes {@code next} the inventory, durably first. */
    private Refusal save(Map<Integer, Inventory.Slot> next) {
        try {
            Inventory.write(inventoryFile, next);
        } catch (IOException e) {
            return new Refusal(MoveFailure.INTERNAL, "saving the inventory: " + e.getMessage());
        }
        full = Map.copyOf(next);
        return null;
    }

    /** Null when a move may go. */
    private Refusal check(int source, int destination) {
        ElementType s = typeOf(source);
        ElementType d = typeOf(destination);
        if (s == null || d == null || s == ElementType.TRANSPORT || d == ElementType.TRANSPORT) {
            return new Refusal(MoveFailure.INVALID_ELEMENT_ADDRESS);
        }
        if (!full.containsKey(source)) {
            return new Refusal(MoveFailure.SOURCE_EMPTY);
        }
        if (source != destination && full.containsKey(destination)) {
            return new Refusal(MoveFailure.DESTINATION_FULL);
        }
        return null;
    }

    /**
     * Moves each {@code {from, to}} in turn: out of a drive first unloads it (refused while one of its
     * initiators prevents removal: nothing moves), into a drive loads it. The inventory is saved
     * after the moves. Null on success.
     */
    private Refusal relocate(int[][] moves) {
        Map<Integer, Inventory.Slot> next = new TreeMap<>(full);
        for (int[] m : moves) {
            int from = m[0];
            int to = m[1];
            if (from == to) {
                continue;
            }
            Inventory.Slot cartridge = next.remove(from);
            if (typeOf(from) == ElementType.DATA_TRANSFER) {
                Refusal failure = drive(from, null);
                if (failure != null) {
                    return failure;
                }
            }
            if (typeOf(to) == ElementType.DATA_TRANSFER) {
                Refusal failure = drive(to, cartridge.barcode());
                if (failure != null) {
                    return failure;
                }
            }
            next.put(to, new Inventory.Slot(cartridge.barcode(), from));
        }
        return save(next);
    }

    /** Loads (or with null unloads) the drive at {@code address}; waits for the engine. */
    private Refusal drive(int address, String barcode) {
        String drive = drives.get(address - FIRST_DRIVE);
        try {
            media.changeMedium(drive, barcode, false).toCompletableFuture().join();
            return null;
        } catch (CompletionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            String why = c.getMessage() == null ? c.toString() : c.getMessage();
            return new Refusal(why.contains("prevented") ? MoveFailure.REMOVAL_PREVENTED : MoveFailure.INTERNAL, why);
        }
    }

    /** Runs {@code move} after the moves asked before it, on the executor, and reports it to {@code done}. */
    private void onRobot(MoveCompletion done, java.util.function.Supplier<Refusal> move) {
        synchronized (this) {
            robot = robot.thenRunAsync(() -> {
                Refusal refused;
                try {
                    refused = move.get();
                } catch (RuntimeException e) {
                    refused = new Refusal(MoveFailure.INTERNAL, e.toString());
                }
                if (refused == null) {
                    done.completed();
                    return;
                }
                if (refused.failure() == MoveFailure.INTERNAL || refused.failure() == MoveFailure.REMOVAL_PREVENTED) {
                    log.warn("changer {}: a move failed: {}", name, refused.why());
                }
                done.failed(refused.failure(), refused.why());
            }, executor);
        }
    }

    @Override public void read(long offset, ByteBuffer dst, Completion done) { done.failed(IoFailure.INTERNAL, null); }
    @Override public void write(long offset, ByteBuffer src, boolean fua, Completion done) { done.failed(IoFailure.INTERNAL, null); }
    @Override public void flush(Completion done) { done.completed(); }

    @Override
    public void close() {
    }
}
