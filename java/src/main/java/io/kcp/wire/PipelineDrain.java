package io.kcp.wire;

import io.kcp.arq.Arq;

/**
 * The Java way out: the {@link OutboundPipeline} encodes the ARQ's records in place and hands
 * each datagram to a {@link DatagramSink}. Used by the Java kernel everywhere, and by the native
 * kernel where batched native sends are not available.
 */
public final class PipelineDrain implements OutputDrain {

    private final OutboundPipeline pipeline;
    private final DatagramSink sink;
    private boolean closed;

    /** Takes ownership of both: {@link #close()} closes the pipeline, and the sink if it is closeable. */
    public PipelineDrain(OutboundPipeline pipeline, DatagramSink sink) {
        this.pipeline = pipeline;
        this.sink = sink;
    }

    @Override
    public int reserveBytes() {
        return pipeline.reserveBytes();
    }

    @Override
    public void setDuplicates(int n) {
        pipeline.setDuplicates(n);
    }

    @Override
    public void drain(Arq arq) {
        int count = arq.outputCount();
        if (count == 0) return;
        if (!closed) pipeline.encodeOutput(arq.output(), count, sink);
        arq.clearOutput();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pipeline.close();
        if (sink instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the datagram sink", e);
            }
        }
    }
}
