package io.kcp.mux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Pipe;

/** Two blocking byte channels connected back to back (two OS pipes). */
final class ChannelPair {

    final ByteChannel a;
    final ByteChannel b;

    private ChannelPair(ByteChannel a, ByteChannel b) {
        this.a = a;
        this.b = b;
    }

    static ChannelPair open() throws IOException {
        Pipe ab = Pipe.open();
        Pipe ba = Pipe.open();
        return new ChannelPair(new End(ba.source(), ab.sink()), new End(ab.source(), ba.sink()));
    }

    private static final class End implements ByteChannel {
        private final Pipe.SourceChannel in;
        private final Pipe.SinkChannel out;

        End(Pipe.SourceChannel in, Pipe.SinkChannel out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return in.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return out.write(src);
        }

        @Override
        public boolean isOpen() {
            return in.isOpen() || out.isOpen();
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } finally {
                out.close();
            }
        }
    }
}
