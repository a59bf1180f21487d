package org.scstj.bench.micro;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's benchmark threads as Netty threads ({@link io.netty.util.concurrent.FastThreadLocalThread}),
 * for the codec benchmarks: in the daemon the decoder and encoder run on an event loop, where
 * Netty's object pools (derived buffers, codec output lists) recycle; on a plain thread Netty
 * 4.2 allocates those objects anew each time and the allocation profile would blame the codec
 * for the harness's thread. Used through JMH's custom executor:
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=org.scstj.bench.micro.NettyThreads}.
 */
public final class NettyThreads extends ThreadPoolExecutor {
    /** The constructor JMH's custom executor calls. */
    public NettyThreads(int threads, String prefix) {
        super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
