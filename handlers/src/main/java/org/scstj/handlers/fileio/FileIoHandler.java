package org.scstj.handlers.fileio;

import com.typesafe.config.Config;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vdisk_fileio}: a logical unit backed by a regular file through the page cache (SCST's
 * vdisk_fileio). A missing file is created with the configured size, sparse when
 * {@code thin-provisioned = true}, fully written otherwise. A thin-provisioned device deallocates
 * (UNMAP, WRITE SAME with UNMAP) by punching holes in the file and reports the holes to GET LBA
 * STATUS.
 */
public final class FileIoHandler implements DeviceHandlerFactory {
    public static final String TYPE = "vdisk_fileio";

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * What a running device can change (issue 14). Not {@code thin-provisioned}: READ CAPACITY's
     * LBPME and the provisioning VPD pages would change under the initiator (SBC-4 4.7), and a
     * file's holes cannot be filled back cheaply. Not {@code removable} either (INQUIRY RMB), nor
     * the block sizes. {@code size} changes through a resize.
     */
    static final java.util.Set<String> LIVE = java.util.Set.of("read-only", "write-back");

    @Override
    public java.util.Set<String> liveAttributes() {
        return LIVE;
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(
                new Attribute("filename", "path", "", null, false,
                        "the backing file; created when missing (size is required then)"),
                new Attribute("size", "size", "bytes", null, false,
                        "bytes to export (a multiple of block-size); default: the file's length; a running device is resized"),
                new Attribute("block-size", "int", "bytes", "512", false, "logical block size: 512 or 4096"),
                new Attribute("physical-block-size", "int", "bytes", null, false,
                        "physical block size reported by READ CAPACITY(16), a power of two up to 65536; default: block-size"),
                new Attribute("thin-provisioned", "bool", "", "false", false,
                        "created sparse; UNMAP and WRITE SAME with UNMAP punch holes, GET LBA STATUS reports them"),
                new Attribute("read-only", "bool", "", "false", LIVE.contains("read-only"),
                        "write-protect the medium (writes end DATA PROTECT)"),
                new Attribute("removable", "bool", "", "false", false,
                        "removable medium: START STOP UNIT ejects and loads it, PREVENT ALLOW MEDIUM REMOVAL locks it"),
                new Attribute("write-back", "bool", "", "true", LIVE.contains("write-back"),
                        "writes complete from the page cache; FUA and SYNCHRONIZE CACHE make them durable"),
                new Attribute("inline-io", "string", "", "auto", false,
                        "I/O on the command's own thread: auto (file on tmpfs/ramfs), always or never"));
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>();
        FileIoSettings.read(deviceConfig, problems);
        return problems;
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
        FileIoSettings s = FileIoSettings.require(deviceName, deviceConfig);
        if (!Files.exists(s.filename())) {
            create(s);
        }
        long size = s.size() >= 0 ? s.size() : Files.size(s.filename());
        long blocks = size / s.blockSize();
        OpenOption[] options = s.readOnly()
                ? new OpenOption[]{StandardOpenOption.READ}
                : new OpenOption[]{StandardOpenOption.READ, StandardOpenOption.WRITE};
        FileChannel channel = FileChannel.open(s.filename(), options);
        boolean inline = switch (s.inlineIo()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> memoryBacked(s.filename());
        };
        NativeFile holes = null;
        if (s.thinProvisioned()) {
            try {
                holes = NativeFile.open(s.filename(), s.readOnly());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        return new FileIoDevice(deviceName, channel, s, blocks, context.blockingExecutor(), inline, holes,
                context.sharedStorage());
    }

    /** File systems whose reads and writes never wait for a disk. */
    private static final java.util.Set<String> MEMORY_FILE_SYSTEMS = java.util.Set.of("tmpfs", "ramfs", "hugetlbfs");

    static boolean memoryBacked(java.nio.file.Path file) {
        try {
            return MEMORY_FILE_SYSTEMS.contains(Files.getFileStore(file).type());
        } catch (IOException e) {
            return false; // unknown: assume it can block
        }
    }

    private static void create(FileIoSettings s) throws IOException {
        if (s.filename().getParent() != null) {
            Files.createDirectories(s.filename().getParent());
        }
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(s.filename().toFile(), "rw")) {
            FileChannel ch = raf.getChannel();
            if (s.thinProvisioned()) {
                raf.setLength(s.size()); // ftruncate: a hole of the full size; holes read as zeros
            } else {
                ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                for (long off = 0; off < s.size(); ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), s.size() - off));
                    off += ch.write(zeros, off);
                }
            }
            ch.force(true);
        }
    }
}
