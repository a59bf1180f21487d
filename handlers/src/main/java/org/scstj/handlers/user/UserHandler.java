package org.scstj.handlers.user;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.handlers.common.DeviceKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code user}: a device whose commands a handler in another process executes, over the protocol of
 * docs/user-handlers.md (SCST's {@code scst_user}, LIO's TCMU). The core listens on the device's
 * control socket; a handler connects, and the LU is ready while one is attached
 * ({@link UserDevice}). For a disk (SBC) or CD/DVD (MMC) the core decodes and checks the commands
 * and the handler executes block reads, writes, flushes and unmaps, and the commands the core has no
 * row for as CDBs; a tape drive's (SSC) or changer's (SMC) handler executes every command but the
 * core's as CDBs.
 */
public final class UserHandler implements DeviceHandlerFactory {
    public static final String TYPE = "user";
    static final Set<String> KEYS = Set.of("socket", "type", "size", "block-size", "read-only", "deadline",
            "queue-depth", "max-transfer", "thin-provisioned", "command", "spin", "medium");

    @Override
    public String type() {
        return TYPE;
    }

    /** A cdrom's disc, in its handler's terms: the admin API's load and eject change it (feature MEDIUM). */
    @Override
    public String mediumAttribute() {
        return "medium";
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(
                new Attribute("socket", "path", "", null, false,
                        "the control socket the daemon listens on; the handler connects to it (at most 107 bytes)"),
                new Attribute("type", "string", "", "disk", false,
                        "the device type the handler serves: disk (SBC, the core decodes and the handler moves"
                                + " blocks), cdrom (MMC, the same with 2048-byte blocks, read-only), tape (SSC) or"
                                + " changer (SMC), whose commands the handler executes as CDBs"),
                new Attribute("size", "size", "bytes", null, false,
                        "a disk's capacity, the HELLO must give the same number of blocks (a cdrom's is its"
                                + " handler's; a tape or changer has none)"),
                new Attribute("block-size", "int", "bytes", "512", false,
                        "a disk's logical block size: 512 or 4096 (a cdrom's is 2048)"),
                new Attribute("read-only", "bool", "", "false", false, "write-protect the medium (writes end DATA PROTECT)"),
                new Attribute("thin-provisioned", "bool", "", "false", false,
                        "UNMAP and WRITE SAME UNMAP go to the handler, which must ask for the UNMAP feature"),
                new Attribute("deadline", "duration", "", "30s", false,
                        "a command the handler has not completed by then is aborted; twice that: the handler is hung"),
                new Attribute("queue-depth", "int", "", "64", false,
                        "commands at the handler at once (a power of two, 1..1024): the ring and buffer pool size"),
                new Attribute("max-transfer", "size", "bytes", "1M", false,
                        "the largest transfer of one command (4K..16M): the size of each buffer of the pool"),
                new Attribute("spin", "duration", "", "auto", false,
                        "how long the core's ring thread spins on an empty completion ring before it sleeps (0 to 1ms);"
                                + " auto: 50us with 4 or more CPUs, else 0 (spinning on a small machine takes the"
                                + " CPU the transport and the handler need)"),
                new Attribute("medium", "string", "", null, false,
                        "a cdrom's disc in its handler's terms (an image path), sent to a handler that asked for"
                                + " the MEDIUM feature when it attaches; load and eject change it (absent: the disc"
                                + " the handler has)"),
                new Attribute("command", "string", "", null, false,
                        "the handler's command line, as a list: the daemon starts it and starts it again when it"
                                + " exits (absent: someone else starts the handler)"));
    }

    /** A device's checked configuration. */
    record Settings(Path socket, int deviceType, long size, int blockSize, boolean readOnly, boolean thin,
                    Duration deadline, int queueDepth, int maxTransfer, List<String> command, Duration spin,
                    String medium) {
        /** A tape or changer: every command but the core's goes to the handler as a CDB. */
        boolean cdbDevice() {
            return deviceType == BlockDevice.TAPE || deviceType == BlockDevice.MEDIUM_CHANGER;
        }
    }

    /** The configuration's {@code type} names and their PERIPHERAL DEVICE TYPE (SPC-5 6.7.2), which the HELLO gives. */
    static final java.util.Map<String, Integer> TYPES = java.util.Map.of("disk", BlockDevice.DISK,
            "cdrom", BlockDevice.CD_DVD, "tape", BlockDevice.TAPE, "changer", BlockDevice.MEDIUM_CHANGER);

    /** {@code spin = auto}: the ring thread spins only where a spinning thread does not starve the others. */
    static Duration autoSpin(int processors) {
        return processors >= 4 ? Duration.ofNanos(50_000) : Duration.ZERO;
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>();
        read(deviceConfig, problems);
        return problems;
    }

    static Settings read(Config device, List<String> problems) {
        Config c = DeviceKeys.withDefaults(TYPE, device);
        problems.addAll(DeviceKeys.unknownKeys(TYPE, device, KEYS));
        Path socket = null;
        if (!c.hasPath("socket")) {
            problems.add("socket: required: the control socket's path");
        } else {
            String s = c.getString("socket");
            if (s.isEmpty() || s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
                problems.add("socket: a path of 1 to 107 bytes (unix(7) sun_path), was " + s.length() + " characters");
            } else {
                socket = Path.of(s);
            }
        }
        String type = c.getString("type");
        Integer deviceType = TYPES.get(type);
        if (deviceType == null) {
            problems.add("type: " + type + ": one of disk, cdrom, tape, changer");
            deviceType = BlockDevice.DISK;
        }
        int bs;
        long size;
        if (deviceType == BlockDevice.DISK) {
            bs = DeviceKeys.blockSize(c, problems);
            size = DeviceKeys.size(c, bs, problems);
            if (size < 0 && !c.hasPath("size")) {
                problems.add("size: required: the capacity the handler serves");
            }
        } else {
            // MMC-6: 2048-byte blocks, the disc's capacity the handler's; SSC and SMC address no blocks
            bs = deviceType == BlockDevice.CD_DVD ? 2048 : 512;
            size = -1;
            for (String key : List.of("size", "block-size")) {
                if (device.hasPath(key)) {
                    problems.add(key + ": not for a " + type + " (" + (deviceType == BlockDevice.CD_DVD
                            ? "a disc has 2048-byte blocks and the capacity its handler gives"
                            : "the handler's commands address no blocks of the core's") + ")");
                }
            }
        }
        boolean ro = DeviceKeys.bool(c, "read-only", problems) || deviceType == BlockDevice.CD_DVD;
        boolean thin = DeviceKeys.bool(c, "thin-provisioned", problems);
        if (thin && deviceType != BlockDevice.DISK) {
            problems.add("thin-provisioned: only for a disk");
        }
        Duration deadline = Duration.ofSeconds(30);
        try {
            deadline = c.getDuration("deadline");
            if (deadline.compareTo(Duration.ofMillis(100)) < 0 || deadline.compareTo(Duration.ofMinutes(10)) > 0) {
                problems.add("deadline: from 100ms to 10m, was " + deadline);
            }
        } catch (ConfigException e) {
            problems.add("deadline: " + e.getMessage());
        }
        int depth = 64;
        try {
            depth = c.getInt("queue-depth");
            if (Integer.bitCount(depth) != 1 || depth > 1024) {
                problems.add("queue-depth: a power of two from 1 to 1024, was " + depth);
            }
        } catch (ConfigException e) {
            problems.add("queue-depth: " + e.getMessage());
        }
        long max = 1 << 20;
        try {
            max = c.getBytes("max-transfer");
            if (max < 4096 || max > (16 << 20) || max % 4096 != 0 || max % bs != 0) {
                problems.add("max-transfer: a multiple of 4096 from 4K to 16M, was " + max);
            }
        } catch (ConfigException e) {
            problems.add("max-transfer: " + e.getMessage());
        }
        List<String> command = List.of();
        if (c.hasPath("command")) {
            try {
                command = List.copyOf(c.getStringList("command"));
                if (command.isEmpty() || command.stream().anyMatch(String::isEmpty)) {
                    problems.add("command: a non-empty list of non-empty strings, the program first");
                }
            } catch (ConfigException e) {
                problems.add("command: a list of strings, the program first, e.g. [\"/usr/lib/scstj/ramdisk\","
                        + " \"--size\", \"1G\", \"/run/scstj/ram0.sock\"]");
            }
        }
        Duration spin = autoSpin(Runtime.getRuntime().availableProcessors());
        if (!c.getString("spin").equals("auto")) {
            try {
                spin = c.getDuration("spin");
                if (spin.isNegative() || spin.compareTo(Duration.ofMillis(1)) > 0) {
                    problems.add("spin: auto, or from 0 to 1ms, was " + spin);
                }
            } catch (ConfigException e) {
                problems.add("spin: auto, or a duration from 0 to 1ms: " + e.getMessage());
            }
        }
        String medium = null;
        if (device.hasPath("medium")) {
            if (deviceType != BlockDevice.CD_DVD) {
                problems.add("medium: only for a cdrom (a disc its handler loads)");
            } else {
                try {
                    medium = device.getString("medium");
                    if (medium.isEmpty() || medium.indexOf('\0') >= 0
                            || medium.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Message.MAX_MEDIUM_NAME) {
                        problems.add("medium: 1 to " + Message.MAX_MEDIUM_NAME + " bytes of UTF-8, no NUL");
                    }
                } catch (ConfigException e) {
                    problems.add("medium: " + e.getMessage());
                }
            }
        }
        return new Settings(socket, deviceType, size, bs, ro, thin, deadline, depth, (int) max, command, spin, medium);
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
        List<String> problems = new ArrayList<>();
        Settings s = read(deviceConfig, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return UserDevice.open(deviceName, s);
    }
}
