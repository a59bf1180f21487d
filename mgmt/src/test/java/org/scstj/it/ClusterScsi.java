package org.scstj.it;

import org.scstj.transports.iscsi.initiator.ScsiResult;
import org.scstj.transports.iscsi.initiator.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the cluster tests say to a node as an initiator: wait until it serves, a session past its
 * unit attentions, and the persistent reservation commands (SPC-5 6.16, 6.17) with the basic
 * parameter list.
 */
final class ClusterScsi {
    static final Duration T = Duration.ofSeconds(30);

    private ClusterScsi() {
    }

    /** Opens a logged-in session to one node (the test chooses the target, initiator name and ISID). */
    @FunctionalInterface
    interface Login {
        Session open() throws IOException;
    }

    /**
     * Until a session opened by {@code login} gets GOOD for TEST UNIT READY (a portal opens once its
     * node is Up and holds its lease; an LU holds commands until it knows its control state), within
     * {@code bound}; fails with the node's log otherwise.
     */
    static void awaitServing(NodeProcess n, Login login, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Session s = login.open()) {
                for (int i = 0; i < 4; i++) {
                    if (s.scsi(0, new byte[6], 0, T).good()) {
                        return;
                    }
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        fail(n + " does not serve: " + last + "\nlog:\n" + n.log());
    }

    /**
     * A session past its unit attentions (power on, reservations preempted, mode parameters
     * changed, a reset, ...: one per TEST UNIT READY, at most 16).
     */
    static Session ready(Login login) throws IOException {
        Session s = login.open();
        for (int i = 0; i < 16 && !s.scsi(0, new byte[6], 0, T).good(); i++) {
            // 29/00 and friends
        }
        return s;
    }

    /** SPC-5 6.17 PERSISTENT RESERVE OUT, scope LU, with the basic 24-byte parameter list, APTPL 0. */
    static ScsiResult prOut(Session s, int serviceAction, int type, long key, long serviceActionKey) throws IOException {
        return prOut(s, serviceAction, type, key, serviceActionKey, false);
    }

    /** As above, with the parameter list's APTPL bit (byte 20 bit 0, SPC-5 6.17.2) as given. */
    static ScsiResult prOut(Session s, int serviceAction, int type, long key, long serviceActionKey, boolean aptpl)
            throws IOException {
        byte[] cdb = {0x5F, (byte) serviceAction, (byte) type, 0, 0, 0, 0, 0, 24, 0};
        byte[] data = ByteBuffer.allocate(24).putLong(key).putLong(serviceActionKey).array();
        data[20] = (byte) (aptpl ? 1 : 0);
        return s.scsiWrite(0, cdb, data, T);
    }

    /** A PERSISTENT RESERVE IN's returned bytes (SPC-5 6.16); asserts GOOD. */
    static byte[] prIn(Session s, byte[] cdb) throws IOException {
        ScsiResult r = s.scsi(0, cdb, 4096, T);
        assertTrue(r.good(), "PERSISTENT RESERVE IN " + cdb[1] + ": " + r);
        return Arrays.copyOf(r.data(), r.received());
    }

    /** SPC-5 6.16.2 READ KEYS: PRGENERATION and the registered keys, as the bytes returned. */
    static byte[] readKeys(Session s) throws IOException {
        return prIn(s, new byte[] {0x5E, 0, 0, 0, 0, 0, 0, 0x10, 0, 0});
    }
}
