package io.kcp.fec;

/**
 * Creates the codec for one FEC shape, so the FEC framing can run on either Reed-Solomon
 * implementation. Must throw {@link IllegalArgumentException} for a shape it cannot code.
 */
@FunctionalInterface
public interface ReedSolomonFactory {

    /** The pure-Java codec. */
    ReedSolomonFactory JAVA = JavaReedSolomon::new;

    ReedSolomon create(int dataShards, int parityShards);
}
