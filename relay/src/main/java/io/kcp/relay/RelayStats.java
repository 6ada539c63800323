package io.kcp.relay;

/**
 * A snapshot of an {@link ImpairmentRelay}'s counters. Each counter is read once; while traffic
 * flows they are not taken at one instant, once it stops they are exact.
 *
 * @param clientToServer counters of the client-to-server direction
 * @param serverToClient counters of the server-to-client direction
 * @param clients        client addresses with an upstream socket of their own
 * @param rejected       datagrams ignored because they came from a client beyond the limit
 */
public record RelayStats(DirectionStats clientToServer, DirectionStats serverToClient, int clients,
                         long rejected) {

    public DirectionStats of(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? clientToServer : serverToClient;
    }

    @Override
    public String toString() {
        return "c->s[" + clientToServer + "] s->c[" + serverToClient + "] clients=" + clients
                + " rejected=" + rejected;
    }
}
