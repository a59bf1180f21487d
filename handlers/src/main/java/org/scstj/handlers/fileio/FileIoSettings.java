package org.scstj.handlers.fileio;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.scstj.handlers.common.DeviceKeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One {@code vdisk_fileio} device's settings, read once and checked.
 *
 * @param filename        the backing file
 * @param size            bytes to export; -1 means the file's length
 * @param blockSize       512 or 4096
 * @param physicalBlockSize the physical block size reported to initiators (SBC-4 4.6.2): a power-of-two
 *                        multiple of {@code blockSize} up to 64 KiB; initiators align and size their I/O to it
 * @param thinProvisioned a missing file is created sparse (otherwise fully allocated); the device
 *                        deallocates (punches holes) and reports holes to GET LBA STATUS
 * @param readOnly        the medium is write-protected
 * @param removable       the medium is removable (INQUIRY RMB): START STOP UNIT ejects and loads it,
 *                        PREVENT ALLOW MEDIUM REMOVAL locks it in
 * @param writeBack       writes complete before they are durable (SYNCHRONIZE CACHE and FUA make them so)
 * @param inlineIo        where reads and writes run: on the engine's thread or the blocking-I/O pool
 */
record FileIoSettings(Path filename, long size, int blockSize, int physicalBlockSize, boolean thinProvisioned,
                      boolean readOnly, boolean writeBack, InlineIo inlineIo, boolean removable) {
    static final Set<String> KEYS = Set.of("filename", "size", "block-size", "physical-block-size",
            "thin-provisioned", "read-only", "write-back", "inline-io", "removable");

    /**
     * Whether I/O runs on the thread that executes the command (the connection's event loop) or is
     * handed to the blocking-I/O pool. Inline I/O saves two thread switches per command but stalls
     * that thread for as long as the system call takes, so it is only safe when the file cannot
     * block on a disk.
     */
    enum InlineIo {
        /** Inline when the file lives on a memory file system (tmpfs, ramfs, hugetlbfs). */
        AUTO,
        /** Always inline (the operator knows the file is in memory, e.g. a locked page cache). */
        ALWAYS,
        /** Always on the blocking-I/O pool. */
        NEVER
    }

    /** Reads the settings; {@code problems} collects "key: message" lines. */
    static FileIoSettings read(Config device, List<String> problems) {
        Config c = DeviceKeys.withDefaults(FileIoHandler.TYPE, device);
        problems.addAll(DeviceKeys.unknownKeys(FileIoHandler.TYPE, device, KEYS));
        Path filename = null;
        try {
            String f = c.getString("filename");
            if (f.isBlank()) {
                problems.add("filename: must not be empty");
            } else {
                filename = Path.of(f);
            }
        } catch (ConfigException e) {
            problems.add("filename: " + (e instanceof ConfigException.Missing ? "missing (the backing file's path)" : e.getMessage()));
        }
        int blockSize = DeviceKeys.blockSize(c, problems);
        long size = DeviceKeys.size(c, blockSize, problems);
        int physicalBlockSize = blockSize;
        if (c.hasPath("physical-block-size")) {
            try {
                physicalBlockSize = c.getInt("physical-block-size");
                if (physicalBlockSize < blockSize || physicalBlockSize > 65536
                        || Integer.bitCount(physicalBlockSize) != 1) {
                    problems.add("physical-block-size: must be a power of two from block-size (" + blockSize
                            + ") to 65536, was " + physicalBlockSize);
                    physicalBlockSize = blockSize;
                }
            } catch (ConfigException e) {
                problems.add("physical-block-size: " + e.getMessage());
            }
        }
        boolean thin = DeviceKeys.bool(c, "thin-provisioned", problems);
        boolean readOnly = DeviceKeys.bool(c, "read-only", problems);
        boolean writeBack = DeviceKeys.bool(c, "write-back", problems);
        boolean removable = DeviceKeys.bool(c, "removable", problems);
        InlineIo inlineIo = InlineIo.AUTO;
        try {
            String v = c.getString("inline-io");
            switch (v) {
                case "auto" -> inlineIo = InlineIo.AUTO;
                case "always" -> inlineIo = InlineIo.ALWAYS;
                case "never" -> inlineIo = InlineIo.NEVER;
                default -> problems.add("inline-io: '" + v + "' is not one of auto, always, never");
            }
        } catch (ConfigException e) {
            problems.add("inline-io: " + e.getMessage());
        }
        if (filename != null) {
            if (Files.isDirectory(filename)) {
                problems.add("filename: " + filename + " is a directory");
            } else if (Files.exists(filename)) {
                try {
                    long length = Files.size(filename);
                    if (size > length) {
                        problems.add("size: " + size + " bytes does not fit the existing file " + filename
                                + " (" + length + " bytes)");
                    } else if (size >= 0 && size < length) {
                        problems.add("size: " + size + " bytes is smaller than the existing file (" + length
                                + " bytes); leave size out to export the whole file");
                    } else if (size < 0 && length < blockSize) {
                        problems.add("filename: " + filename + " is smaller than one block");
                    }
                } catch (java.io.IOException e) {
                    problems.add("filename: cannot read " + filename + ": " + e.getMessage());
                }
            } else if (size < 0) {
                problems.add("size: required when " + filename + " does not exist yet");
            } else if (readOnly) {
                problems.add("filename: " + filename + " does not exist and a read-only device cannot create it");
            }
        }
        return new FileIoSettings(filename, size, blockSize, physicalBlockSize, thin, readOnly, writeBack, inlineIo,
                removable);
    }

    static FileIoSettings require(String deviceName, Config device) {
        List<String> problems = new ArrayList<>();
        FileIoSettings s = read(device, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return s;
    }
}
