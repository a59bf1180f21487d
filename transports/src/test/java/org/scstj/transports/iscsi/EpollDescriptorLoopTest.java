package org.scstj.transports.iscsi;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.DescriptorLoop;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A device's descriptor in an epoll event loop's set: readable wakes the loop's thread, a cancel ends it. */
class EpollDescriptorLoopTest {
    @Test
    void aWatchedDescriptor_runsItsCallbackOnTheLoop_untilCancelled_andTheDescriptorStaysOpen() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll");
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            IoEventLoop loop = (IoEventLoop) group.next();
            CompletableFuture<Thread> loopThread = new CompletableFuture<>();
            loop.execute(() -> loopThread.complete(Thread.currentThread()));
            EpollDescriptorLoop d = new EpollDescriptorLoop(loop);
            LinkedBlockingQueue<Thread> woke = new LinkedBlockingQueue<>();
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            DescriptorLoop.Watch watch = d.watch(pipe[0].intValue(), () -> {
                try {
                    in.clear();
                    pipe[0].read(in, 0, in.capacity()); // consume what woke it (level-triggered)
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                woke.add(Thread.currentThread());
            }).toCompletableFuture().get(5, TimeUnit.SECONDS);
            ByteBuffer one = ByteBuffer.allocateDirect(1).put((byte) 1).flip();
            pipe[1].write(one, 0, 1);
            assertSame(loopThread.get(5, TimeUnit.SECONDS), woke.poll(5, TimeUnit.SECONDS), "woke on the loop's thread");
            pipe[1].write(one, 0, 1);
            assertSame(loopThread.get(), woke.poll(5, TimeUnit.SECONDS), "again: it stays watched");
            watch.cancel().toCompletableFuture().get(5, TimeUnit.SECONDS);
            pipe[1].write(one, 0, 1);
            assertNull(woke.poll(300, TimeUnit.MILLISECONDS), "no call after the cancel");
            in.clear();
            assertEquals(1, pipe[0].read(in, 0, in.capacity()), "the descriptor is still the caller's, open");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            pipe[0].close();
            pipe[1].close();
        }
    }
}
