package org.scstj.handlers.vtape;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.scstj.handlers.common.DeviceKeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One {@code vtape} drive's settings, read once and checked.
 *
 * @param library    the directory of the cartridges ({@code <BARCODE>.vtape}); created when missing
 * @param cartridge  the barcode of the cartridge loaded at start (created when missing), or null: an empty drive
 * @param capacity   bytes of each cartridge this drive creates (an existing one keeps its own)
 * @param cartridges barcodes of cartridges created in the library at start when missing
 */
record VtapeSettings(Path library, String cartridge, long capacity, List<String> cartridges) {
    static final String LIBRARY = "library";
    static final String CARTRIDGE = "cartridge";
    static final String CAPACITY = "capacity";
    static final String CARTRIDGES = "cartridges";
    static final Set<String> KEYS = Set.of(LIBRARY, CARTRIDGE, CAPACITY, CARTRIDGES);

    /** Reads the settings; {@code problems} collects "key: message" lines. Creates nothing. */
    static VtapeSettings read(Config device, List<String> problems) {
        Config c = DeviceKeys.withDefaults(VtapeHandler.TYPE, device);
        problems.addAll(DeviceKeys.unknownKeys(VtapeHandler.TYPE, device, KEYS));
        Path library = library(c, problems);
        String cartridge = null;
        if (c.hasPath(CARTRIDGE)) {
            try {
                cartridge = c.getString(CARTRIDGE);
                String problem = Cartridge.barcodeProblem(cartridge);
                if (problem != null) {
                    problems.add(CARTRIDGE + ": " + problem + (cartridge.isEmpty()
                            ? " (leave the key out for an empty drive)" : ""));
                    cartridge = null;
                } else if (library != null && (problem = Cartridge.fileProblem(library, cartridge)) != null) {
                    problems.add(CARTRIDGE + ": " + problem);
                }
            } catch (ConfigException e) {
                problems.add(CARTRIDGE + ": expected a barcode, " + e.getMessage());
            }
        }
        long capacity = Cartridge.MIN_CAPACITY;
        try {
            capacity = c.getBytes(CAPACITY);
            if (capacity < Cartridge.MIN_CAPACITY) {
                problems.add(CAPACITY + ": " + capacity + " bytes is less than the smallest cartridge, 1M ("
                        + Cartridge.MIN_CAPACITY + " bytes)");
            }
        } catch (ConfigException e) {
            problems.add(CAPACITY + ": not a size: " + (c.hasPath(CAPACITY) ? c.getValue(CAPACITY).render() : "missing")
                    + " (give bytes, or a number with a unit such as 400G, 1T)");
        }
        List<String> cartridges = new ArrayList<>();
        try {
            for (String barcode : c.getStringList(CARTRIDGES)) {
                String problem = Cartridge.barcodeProblem(barcode);
                if (problem == null && library != null) {
                    problem = Cartridge.fileProblem(library, barcode);
                }
                if (problem != null) {
                    problems.add(CARTRIDGES + ": " + problem);
                } else {
                    cartridges.add(barcode);
                }
            }
        } catch (ConfigException e) {
            problems.add(CARTRIDGES + ": expected a list of barcodes, " + e.getMessage());
        }
        return new VtapeSettings(library, cartridge, capacity, List.copyOf(cartridges));
    }

    /**
     * The library directory: an absolute path to a writable directory, or to a missing one whose
     * nearest existing ancestor is a writable directory (it is created there).
     */
    private static Path library(Config c, List<String> problems) {
        String l;
        try {
            l = c.getString(LIBRARY);
        } catch (ConfigException e) {
            problems.add(LIBRARY + ": " + (e instanceof ConfigException.Missing
                    ? "missing (the directory holding the cartridges)" : e.getMessage()));
            return null;
        }
        if (l.isBlank()) {
            problems.add(LIBRARY + ": must not be empty");
            return null;
        }
        Path p = Path.of(l);
        if (!p.isAbsolute()) {
            problems.add(LIBRARY + ": " + l + " is not an absolute path");
            return null;
        }
        if (Files.exists(p)) {
            if (!Files.isDirectory(p)) {
                problems.add(LIBRARY + ": " + p + " is not a directory");
                return null;
            }
            if (!Files.isWritable(p)) {
                problems.add(LIBRARY + ": " + p + " is not writable by this process");
                return null;
            }
            return p;
        }
        Path ancestor = p.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
            problems.add(LIBRARY + ": " + p + " does not exist and cannot be created"
                    + (ancestor == null ? "" : " (" + ancestor + " is not a writable directory)"));
            return null;
        }
        return p;
    }

    static VtapeSettings require(Config device) {
        List<String> problems = new ArrayList<>();
        VtapeSettings s = read(device, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return s;
    }
}
