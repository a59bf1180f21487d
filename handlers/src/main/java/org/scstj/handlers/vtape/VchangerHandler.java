package org.scstj.handlers.vtape;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.handlers.common.DeviceKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vchanger}: a virtual medium changer (SMC-3) over {@code vtape} drives, with storage slots
 * and import/export slots; the inventory is kept under {@code state-dir/vchanger/NAME.inventory}
 * and survives a restart. A new library starts with {@code cartridges} in its first slots (their
 * files are created blank by the drive that first loads them). The drives it serves should have no
 * {@code cartridge} of their own: the changer loads them.
 */
public final class VchangerHandler implements DeviceHandlerFactory {
    public static final String TYPE = "vchanger";
    static final String DRIVES = "drives";
    static final String SLOTS = "slots";
    static final String IMPORT_EXPORT = "import-export";
    static final String CARTRIDGES = "cartridges";
    static final Set<String> KEYS = Set.of(DRIVES, SLOTS, IMPORT_EXPORT, CARTRIDGES);
    /** Storage element addresses run from 1024: at most 4096 slots keep them inside 16 bits with room. */
    static final int MAX_SLOTS = 4096;

    private record Settings(List<String> drives, int slots, int importExport, List<String> cartridges) {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(
                new Attribute(DRIVES, "string", "", null, false,
                        "the vtape devices this changer loads, in data transfer element order (addresses from 256)"),
                new Attribute(SLOTS, "int", "", "16", false, "storage elements (addresses from 1024), 1 to 4096"),
                new Attribute(IMPORT_EXPORT, "int", "", "2", false, "import/export elements (addresses from 768), 0 to 64"),
                new Attribute(CARTRIDGES, "string", "", "[]", false,
                        "barcodes in the first storage elements of a new library (the inventory keeps them afterwards)"));
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>();
        read(deviceConfig, problems);
        return problems;
    }

    private static Settings read(Config device, List<String> problems) {
        Config c = DeviceKeys.withDefaults(TYPE, device);
        problems.addAll(DeviceKeys.unknownKeys(TYPE, device, KEYS));
        List<String> drives = strings(c, DRIVES, problems);
        if (drives.isEmpty() && c.hasPath(DRIVES)) {
            problems.add(DRIVES + ": at least one vtape device");
        } else if (!c.hasPath(DRIVES)) {
            problems.add(DRIVES + ": required: the vtape devices this changer loads");
        }
        if (new HashSet<>(drives).size() != drives.size()) {
            problems.add(DRIVES + ": a drive is listed twice");
        }
        int slots = integer(c, SLOTS, 1, MAX_SLOTS, problems);
        int importExport = integer(c, IMPORT_EXPORT, 0, 64, problems);
        List<String> cartridges = strings(c, CARTRIDGES, problems);
        Set<String> seen = new HashSet<>();
        for (String b : cartridges) {
            String problem = Cartridge.barcodeProblem(b);
            if (problem != null) {
                problems.add(CARTRIDGES + ": " + problem);
            } else if (!seen.add(b)) {
                problems.add(CARTRIDGES + ": " + b + " is listed twice (a barcode names one cartridge)");
            }
        }
        if (cartridges.size() > slots) {
            problems.add(CARTRIDGES + ": " + cartridges.size() + " cartridges do not fit in " + slots + " slots");
        }
        return new Settings(drives, slots, importExport, cartridges);
    }

    private static List<String> strings(Config c, String key, List<String> problems) {
        if (!c.hasPath(key)) {
            return List.of();
        }
        try {
            return c.getStringList(key);
        } catch (ConfigException e) {
            problems.add(key + ": expected a list of names, " + e.getMessage());
            return List.of();
        }
    }

    private static int integer(Config c, String key, int min, int max, List<String> problems) {
        try {
            int v = c.getInt(key);
            if (v < min || v > max) {
                problems.add(key + ": must be " + min + " to " + max + ", was " + v);
            }
            return v;
        } catch (ConfigException e) {
            problems.add(key + ": " + e.getMessage());
            return min;
        }
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
        List<String> problems = new ArrayList<>();
        Settings s = read(deviceConfig, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (context.stateDir() == null) {
            throw new IOException("a medium changer keeps its inventory under state-dir, and there is none");
        }
        Path file = context.stateDir().resolve("vchanger").resolve(deviceName + ".inventory");
        Map<Integer, Inventory.Slot> full = Inventory.read(file);
        if (full == null) {
            full = new LinkedHashMap<>();
            for (int i = 0; i < s.cartridges().size(); i++) {
                full.put(VchangerDevice.FIRST_STORAGE + i, new Inventory.Slot(s.cartridges().get(i), -1));
            }
            Inventory.write(file, full);
        }
        VchangerDevice device = new VchangerDevice(deviceName, s.drives(), s.importExport(), s.slots(), file, full,
                context.media(), context.blockingExecutor());
        for (Integer address : full.keySet()) {
            if (device.typeOf(address) == null || device.typeOf(address) == org.scstj.engine.spi.MediumChanger.ElementType.TRANSPORT) {
                throw new IOException(file + ": element " + address + " holds a cartridge but this changer has no such element"
                        + " (fewer slots, drives or import/export elements than when it was saved)");
            }
        }
        device.loadDrives();
        return device;
    }
}
