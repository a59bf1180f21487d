package org.scstj.transports.iscsi.testing;

import com.typesafe.config.ConfigFactory;
import org.scstj.transports.iscsi.IscsiTargetDriver;
import org.scstj.transports.iscsi.config.IscsiSettings;

import java.util.concurrent.Executors;

/** Manual runs: the driver with a RAM disk on 127.0.0.1:PORT (arg 1, default 3260), for iscsi-test-cu. */
public final class RamDiskTargetMain {
    private RamDiskTargetMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3260;
        IscsiTargetDriver driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(
                "portals = [\"127.0.0.1:" + port + "\"]")));
        driver.start(new RamDiskCore(32768, Executors.newSingleThreadExecutor())).toCompletableFuture().get();
        System.out.println("listening on " + driver.boundAddresses());
        Thread.currentThread().join();
    }
}
