package org.scstj.handlers.vtape;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A medium changer's inventory on disk: which cartridge is in which element and where it came from,
 * one line per full element, {@code ADDRESS BARCODE SOURCE}. Written whole to a temporary file,
 * forced, then renamed over the old one, so a crash leaves the old inventory or the new one, never
 * a mix.
 */
final class Inventory {
    /** A full element: the barcode in it and the address it was last moved from (-1: never moved). */
    record Slot(String barcode, int source) {
    }

    private Inventory() {
    }

    /** The inventory at {@code file}, or null when there is none yet. */
    static Map<Integer, Slot> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Map<Integer, Slot> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                if (f.length != 3) {
                    throw new NumberFormatException("3 fields expected");
                }
                out.put(Integer.parseInt(f[0]), new Slot(f[1], Integer.parseInt(f[2])));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (n + 1) + ": not ADDRESS BARCODE SOURCE: " + line);
            }
        }
        return out;
    }

    /** Replaces the inventory at {@code file} with {@code full} (durably: the new file is forced before the rename). */
    static void write(Path file, Map<Integer, Slot> full) throws IOException {
        StringBuilder text = new StringBuilder("# scstj vchanger inventory: ADDRESS BARCODE SOURCE\n");
        full.forEach((address, slot) -> text.append(address).append(' ').append(slot.barcode()).append(' ')
                .append(slot.source()).append('\n'));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
