package org.scstj.mgmt.config;

import com.typesafe.config.Config;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Stand-ins for the real handler factories: the same types, a few of their checks, no I/O. */
public final class FakeHandlers {
    private FakeHandlers() {
    }

    public static List<DeviceHandlerFactory> all() {
        return List.of(new Fake("vdisk_fileio", true), new Fake("vdisk_nullio", false));
    }

    private record Fake(String type, boolean file) implements DeviceHandlerFactory {
        @Override
        public List<String> validate(String deviceName, Config c) {
            List<String> problems = new ArrayList<>();
            if (file && !c.hasPath("filename")) {
                problems.add("filename: missing");
            }
            if (c.hasPath("block-size") && c.getInt("block-size") != 512 && c.getInt("block-size") != 4096) {
                problems.add("block-size: must be 512 or 4096");
            }
            if (file && c.hasPath("filename") && c.hasPath("size")) {
                File f = new File(c.getString("filename"));
                if (f.isFile() && c.getBytes("size") < f.length()) {
                    problems.add("size: " + c.getBytes("size") + " bytes is smaller than the existing file (" + f.length() + " bytes)");
                }
            }
            return problems;
        }

        @Override
        public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
            throw new IOException("fake handler");
        }
    }
}
