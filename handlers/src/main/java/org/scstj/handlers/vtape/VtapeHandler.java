package org.scstj.handlers.vtape;

import com.typesafe.config.Config;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vtape}: a tape drive (SSC-3) in a virtual tape library, a directory of cartridge files
 * ({@code library}). The drive holds one cartridge ({@code cartridge}, by barcode) or none; changing
 * {@code cartridge} on a running device (the admin API's load and eject, or an apply of the
 * configuration) swaps it, and a barcode the library does not hold yet becomes a new, blank cartridge
 * of {@code capacity} bytes. The SSC-3 command set is the engine's; this handler stores the objects.
 */
public final class VtapeHandler implements DeviceHandlerFactory {
    public static final String TYPE = "vtape";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String mediumAttribute() {
        return VtapeSettings.CARTRIDGE;
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(
                new Attribute(VtapeSettings.LIBRARY, "path", "", null, false,
                        "the library: a directory of cartridge files <BARCODE>.vtape;"
                                + " created when missing, must be writable"),
                new Attribute(VtapeSettings.CARTRIDGE, "string", "", null, true,
                        "the barcode of the cartridge in the drive (1-32 printable ASCII characters, no space or '/');"
                                + " created when missing; absent: an empty drive; a change swaps the cartridge live"),
                new Attribute(VtapeSettings.CAPACITY, "size", "bytes", "1G", false,
                        "the capacity of each cartridge this drive creates, at least 1M;"
                                + " an existing cartridge keeps its own"),
                new Attribute(VtapeSettings.CARTRIDGES, "string", "", "[]", false,
                        "a list of barcodes: cartridges created (blank) in the library at start when missing"));
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>();
        VtapeSettings.read(deviceConfig, problems);
        return problems;
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
        VtapeSettings s = VtapeSettings.require(deviceConfig);
        Files.createDirectories(s.library());
        for (String barcode : s.cartridges()) {
            if (!Files.exists(Cartridge.fileOf(s.library(), barcode))) {
                Cartridge.create(s.library(), barcode, s.capacity());
            }
        }
        return VtapeDevice.open(deviceName, s.library(), s.cartridge(), s.capacity(), context.blockingExecutor());
    }
}
