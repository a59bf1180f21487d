package org.scstj.transports.iscsi;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import org.scstj.engine.spi.DescriptorLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One epoll event loop of the iSCSI driver offered to devices as a {@link DescriptorLoop}: a
 * device's descriptor joins the loop's epoll set, level-triggered, next to the connections'
 * sockets, so its completions are taken between two reads of the same connections and their
 * responses flushed with them. Bound to each worker thread as the driver starts (epoll only).
 */
final class EpollDescriptorLoop implements DescriptorLoop {
    private final IoEventLoop loop;

    EpollDescriptorLoop(IoEventLoop loop) {
        this.loop = loop;
    }

    @Override
    public CompletionStage<Watch> watch(int descriptor, Runnable onReadable) {
        CompletableFuture<Watch> out = new CompletableFuture<>();
        Handle handle = new Handle(descriptor, onReadable);
        loop.register(handle).addListener(f -> {
            if (!f.isSuccess()) {
                out.completeExceptionally(f.cause());
                return;
            }
            IoRegistration registration = (IoRegistration) f.getNow();
            try {
                registration.submit(EpollIoOps.EPOLLIN); // level-triggered: no EPOLLET
                out.complete(() -> cancel(registration));
            } catch (RuntimeException e) {
                registration.cancel();
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    private CompletionStage<Void> cancel(IoRegistration registration) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable cancel = () -> {
            registration.cancel();
            done.complete(null);
        };
        if (loop.inEventLoop()) {
            cancel.run();
        } else {
            try {
                loop.execute(cancel);
            } catch (java.util.concurrent.RejectedExecutionException gone) {
                done.complete(null); // the loop ended: its epoll set is gone with it
            }
        }
        return done;
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    /** The descriptor as an epoll handle; the device owns the descriptor, so close() leaves it open. */
    private static final class Handle implements EpollIoHandle {
        private final FileDescriptor fd;
        private final Runnable onReadable;

        Handle(int descriptor, Runnable onReadable) {
            this.fd = new FileDescriptor(descriptor);
            this.onReadable = onReadable;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            onReadable.run();
        }

        @Override
        public void close() {
            // not ours to close
        }
    }
}
