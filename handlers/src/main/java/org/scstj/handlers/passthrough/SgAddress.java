package org.scstj.handlers.passthrough;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the SG node of the device a pass-through device's {@code device} key names: an SG node
 * ({@code /dev/sg3}); any node of a SCSI device that has one, a block, tape or changer node or a
 * link to one ({@code /dev/sdb}, {@code /dev/nst0}, {@code /dev/disk/by-id/scsi-35000c5...}); or
 * the device's SCSI address {@code host:channel:target:lun} (lsscsi's {@code [2:0:1:0]}). The
 * kernel's sysfs says which SG node belongs to which device ({@code .../device/scsi_generic/sgN}).
 *
 * @param sysfs where sysfs is mounted ({@code /sys})
 * @param dev   where the device nodes are ({@code /dev})
 */
record SgAddress(Path sysfs, Path dev) {
    static final SgAddress SYSTEM = new SgAddress(Path.of("/sys"), Path.of("/dev"));

    private static final Pattern SCSI_ADDRESS = Pattern.compile("\\[?(\\d+):(\\d+):(\\d+):(\\d+)]?");
    private static final Pattern SG_NODE = Pattern.compile("sg\\d+");
    /** The sysfs classes of the nodes a SCSI device may have besides its SG node. */
    private static final List<String> NODE_CLASSES = List.of("block", "scsi_tape", "scsi_changer");

    /**
     * The SG node for {@code value}.
     *
     * @throws IOException saying what is missing, to be reported as the key's problem
     */
    Path resolve(String value) throws IOException {
        var address = SCSI_ADDRESS.matcher(value.trim());
        if (address.matches()) {
            String hctl = address.group(1) + ":" + address.group(2) + ":" + address.group(3) + ":" + address.group(4);
            Path device = sysfs.resolve("bus/scsi/devices").resolve(hctl);
            if (!Files.isDirectory(device)) {
                throw new IOException("no SCSI device at " + hctl + " (" + device + " does not exist)");
            }
            return sgOf(device, "the SCSI device at " + hctl);
        }
        Path node = Path.of(value);
        if (!node.isAbsolute()) {
            throw new IOException("'" + value + "' is neither an absolute path to a device node nor a SCSI address"
                    + " host:channel:target:lun");
        }
        if (!Files.exists(node)) {
            throw new IOException(value + " does not exist");
        }
        Path real = node.toRealPath();
        String name = real.getFileName().toString();
        if (SG_NODE.matcher(name).matches()) {
            return real;
        }
        for (String cls : NODE_CLASSES) {
            Path device = sysfs.resolve("class").resolve(cls).resolve(name).resolve("device");
            if (Files.isDirectory(device)) {
                return sgOf(device, value + " (" + name + ")");
            }
        }
        throw new IOException(value + " is neither an SG node (/dev/sgN) nor the disk, tape or changer node of a"
                + " SCSI device");
    }

    private Path sgOf(Path device, String what) throws IOException {
        Path generic = device.resolve("scsi_generic");
        if (!Files.isDirectory(generic)) {
            throw new IOException(what + " has no SG node (is the sg module loaded?)");
        }
        try (Stream<Path> nodes = Files.list(generic)) {
            String sg = nodes.map(p -> p.getFileName().toString()).filter(n -> SG_NODE.matcher(n).matches())
                    .findFirst().orElseThrow(() -> new IOException(what + " has no SG node (is the sg module loaded?)"));
            return dev.resolve(sg);
        }
    }
}
