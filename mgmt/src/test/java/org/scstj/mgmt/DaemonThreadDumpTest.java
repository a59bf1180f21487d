package org.scstj.mgmt;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stop step that hangs logs every thread's stack: the report shows where a stuck one waits. */
class DaemonThreadDumpTest {
    @Test
    void theDump_namesEachThread_itsState_andWhereItWaits() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Thread stuck = Thread.ofPlatform().daemon().name("stuck-in-a-stop").start(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            for (int i = 0; i < 200 && stuck.getState() != Thread.State.WAITING; i++) {
                Thread.sleep(10);
            }
            String dump = Daemon.threadDump();
            assertTrue(dump.contains("\"stuck-in-a-stop\" daemon WAITING\n"), dump);
            assertTrue(dump.contains("java.util.concurrent.CountDownLatch.await("), dump);
            assertTrue(dump.contains("DaemonThreadDumpTest"), "the thread's own frames: " + dump);
        } finally {
            never.countDown();
            stuck.join(5000);
        }
    }
}
