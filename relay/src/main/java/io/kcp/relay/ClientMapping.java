package io.kcp.relay;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * One client's entry in the relay's NAT table: its address and the socket, connected to the
 * upstream server, that speaks for it (so the server sees one distinct source per client).
 */
final class ClientMapping {
    final InetSocketAddress client;
    final DatagramChannel upstream;

    ClientMapping(InetSocketAddress client, DatagramChannel upstream) {
        this.client = client;
        this.upstream = upstream;
    }
}
