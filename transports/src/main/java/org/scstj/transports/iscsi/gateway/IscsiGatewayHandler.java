package org.scstj.transports.iscsi.gateway;

import com.typesafe.config.Config;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.transports.iscsi.initiator.LoginSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dev_iscsi}: a logical unit of another iSCSI target as a pass-through device, scstj as a
 * gateway in front of it (docs/configuration.md). Opening a device logs in to the remote target and
 * reads the LU's standard INQUIRY: its PERIPHERAL DEVICE TYPE (SPC-5 6.7.2) is the device's, which
 * picks nothing in the engine but the pass-through command set and what the device reports (a disk,
 * a tape drive, a changer: the remote LU executes its own command set). The remote LU's pending
 * unit attentions are taken at once (the front end's own come from the engine). A {@code type}
 * key, when given, must match; it also lets a device open while the remote target is unreachable:
 * it starts NOT READY and logs in in the background.
 */
public final class IscsiGatewayHandler implements DeviceHandlerFactory {
    private static final Logger log = LoggerFactory.getLogger(IscsiGatewayHandler.class);

    @Override
    public String type() {
        return GatewaySettings.HANDLER;
    }

    @Override
    public List<Attribute> attributes() {
        return List.of(
                new Attribute(GatewaySettings.PORTAL, "string", "", null, false,
                        "the remote target's portal, host:port (IPv6 in brackets; port 3260 when absent)"),
                new Attribute(GatewaySettings.TARGET, "string", "", null, false, "the remote target's iSCSI name"),
                new Attribute(GatewaySettings.LUN, "int", "", "0", false, "the logical unit of the remote target"),
                new Attribute(GatewaySettings.INITIATOR_NAME, "string", "", null, false,
                        "the initiator name to log in with; default iqn.2026-11.org.scstj:<host>:gw.<device>"),
                new Attribute(GatewaySettings.CHAP, "string", "", null, false,
                        "{ user, secret }: one-way CHAP (RFC 7143 12.1.3) toward the remote target"),
                new Attribute(GatewaySettings.TYPE, "string", "", null, false,
                        "the peripheral device type the remote LU must have: disk, tape, changer, ... or 0..31"),
                new Attribute(GatewaySettings.TIMEOUT, "string", "", "60s", false,
                        "one command without an answer this long: the backend session counts as lost"),
                new Attribute(GatewaySettings.LOGIN_TIMEOUT, "string", "", "10s", false, "one login attempt's bound"),
                new Attribute(GatewaySettings.RECONNECT_MIN, "string", "", "100ms", false,
                        "the first wait before logging in again after a loss"),
                new Attribute(GatewaySettings.RECONNECT_MAX, "string", "", "10s", false,
                        "the longest wait between login attempts (the wait doubles up to it)"),
                new Attribute(GatewaySettings.NOP_INTERVAL, "string", "", "5s", false,
                        "an idle backend session is pinged this often (NOP-Out)"),
                new Attribute(GatewaySettings.MAX_TRANSFER, "size", "bytes", "1M", false,
                        "the largest data transfer of one command (bigger: INVALID FIELD IN CDB)"));
    }

    @Override
    public List<String> validate(String deviceName, Config deviceConfig) {
        List<String> problems = new ArrayList<>();
        GatewaySettings.read(deviceName, deviceConfig, problems);
        return problems;
    }

    @Override
    public BlockDevice open(String deviceName, Config deviceConfig, Context context) throws IOException {
        List<String> problems = new ArrayList<>();
        GatewaySettings s = GatewaySettings.read(deviceName, deviceConfig, problems);
        if (!problems.isEmpty()) {
            throw new IOException(String.join("; ", problems));
        }
        LoginSpec spec = Backend.spec(s);
        Backend backend;
        try {
            backend = Backend.login(s, spec);
        } catch (IOException e) {
            if (s.type() < 0) {
                throw new IOException(String.format("%s: cannot log in to %s at %s (%s); set %s to open it"
                        + " while the remote target is unreachable", GatewaySettings.PORTAL, s.target(),
                        s.portal(), e.getMessage(), GatewaySettings.TYPE), e);
            }
            log.warn("{}: cannot log in to {} at {} ({}); NOT READY until it can", deviceName, s.target(),
                    s.portal(), e.getMessage());
            return new GatewayDevice(deviceName, s, spec, null, null, s.type(), 512, 0,
                    capabilities(deviceName, s, null));
        }
        try {
            byte[] inquiry = backend.inquiry();
            int qualifier = (inquiry[0] & 0xFF) >>> 5;
            int type = inquiry[0] & 0x1F;
            if (qualifier != 0) {
                throw new IOException(String.format("%s: %s has no logical unit %d (INQUIRY PERIPHERAL QUALIFIER %sb)",
                        GatewaySettings.LUN, s.target(), s.lun(), Integer.toBinaryString(qualifier)));
            }
            if (s.type() >= 0 && type != s.type()) {
                throw new IOException(String.format("%s: LUN %d of %s is peripheral device type %02Xh, not %02Xh",
                        GatewaySettings.TYPE, s.lun(), s.target(), type, s.type()));
            }
            backend.drainUnitAttentions();
            int blockSize = 512;
            long blockCount = 0;
            if (type == 0x00 || type == 0x05 || type == 0x07) { // SBC-4 / MMC-6 devices with a capacity
                long[] capacity = backend.capacity();
                if (capacity != null) {
                    blockCount = capacity[0];
                    blockSize = (int) capacity[1];
                }
            }
            return new GatewayDevice(deviceName, s, spec, backend, inquiry, type, blockSize, blockCount,
                    capabilities(deviceName, s, inquiry));
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** RMB from the INQUIRY (SPC-5 6.7.2); a serial naming the remote LU (the device's own VPD 80h goes through). */
    private static BlockDevice.Capabilities capabilities(String name, GatewaySettings s, byte[] inquiry) {
        boolean removable = inquiry != null && (inquiry[1] & 0x80) != 0;
        String product = inquiry == null ? "" : " " + ascii(inquiry, 8, 8) + " " + ascii(inquiry, 16, 16);
        return new BlockDevice.Capabilities(false, false, false, removable, 0,
                (s.target() + "/" + s.lun() + product).strip(), 0);
    }

    private static String ascii(byte[] d, int at, int n) {
        return new String(d, at, n, StandardCharsets.US_ASCII).strip();
    }
}
