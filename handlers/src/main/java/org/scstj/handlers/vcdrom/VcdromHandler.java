package org.scstj.handlers.vcdrom;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.handlers.common.DeviceKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code vcdrom}: a CD/DVD drive whose disc is an image file ({@code image}), or empty. The drive is
 * read-only and removable by nature: every write ends DATA PROTECT, START STOP UNIT opens and closes
 * its tray, PREVENT ALLOW MEDIUM REMOVAL locks it. Changing {@code image} on a running device (the
 * admin API's load and eject, or an apply of the configuration) swaps the disc: the core tells every
 * initiator (28/00 and the GET EVENT STATUS NOTIFICATION media event).
 */
public final class VcdromHandler implements DeviceHandlerFactory {
    public static final String TYPE = "vcdrom";
    /** MMC-6 4.2 (CD mode 1 and DVD user data): 2048 bytes per logical block. */
    public static final int BLOCK_SIZE = 2048;
    static final String IMAGE = "image";
    static final Set<String> KEYS = Set.of(IMAGE);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String mediumAttribute() {
        return IMAGE;
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(new Attribute(IMAGE, "path", "", null, true,
                "the disc: an ISO 9660 / UDF image (a multiple of 2048 bytes); absent: an empty drive; a change swaps the disc live"));
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>(DeviceKeys.unknownKeys(TYPE, deviceConfig, KEYS));
        if (deviceConfig.hasPath(IMAGE)) {
            try {
                String problem = imageProblem(deviceConfig.getString(IMAGE));
                if (problem != null) {
                    problems.add(IMAGE + ": " + problem);
                }
            } catch (ConfigException e) {
                problems.add(IMAGE + ": expected a path, " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * Why {@code image} cannot be a disc, or null: it must be an existing, readable regular file
     * (symbolic links followed) of a positive whole number of 2048-byte blocks.
     */
    static String imageProblem(String image) {
        if (image.isBlank()) {
            return "empty path (leave the key out for an empty drive)";
        }
        Path p = Path.of(image);
        if (!p.isAbsolute()) {
            return image + " is not an absolute path";
        }
        if (!Files.exists(p)) {
            return image + " does not exist";
        }
        if (!Files.isRegularFile(p)) {
            return image + " is not a regular file (a disc image is a file; a block device is vdisk_blockio's)";
        }
        if (!Files.isReadable(p)) {
            return image + " is not readable by this process";
        }
        long size;
        try {
            size = Files.size(p);
        } catch (IOException e) {
            return image + ": " + e.getMessage();
        }
        if (size == 0) {
            return image + " is empty";
        }
        if (size % BLOCK_SIZE != 0) {
            return image + " is " + size + " bytes, not a multiple of " + BLOCK_SIZE
                    + " (an ISO 9660 / UDF image is made of 2048-byte blocks)";
        }
        return null;
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
        List<String> problems = validate(deviceName, deviceConfig);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        String image = deviceConfig.hasPath(IMAGE) ? deviceConfig.getString(IMAGE) : null;
        return VcdromDevice.open(deviceName, image, context.blockingExecutor());
    }
}
