package io.kcp.cli;

/**
 * The request protocol's operations (conformance/peer/PROTOCOL.md), with the op byte of the
 * header, the server's name for each (as in its SESSION lines) and the client's (--op).
 */
enum Op {
    ECHO(1, "echo", "echo"),
    SINK(2, "sink", "upload"),
    SOURCE(3, "source", "download"),
    PING(4, "ping", "ping");

    final int code;
    final String serverName;
    final String clientName;

    Op(int code, String serverName, String clientName) {
        this.code = code;
        this.serverName = serverName;
        this.clientName = clientName;
    }

    /** The op for a header byte, or null for anything the protocol does not define. */
    static Op ofCode(int code) {
        for (Op op : values()) {
            if (op.code == code) return op;
        }
        return null;
    }

    /** The op for a client's --op name (echo, upload, download, ping). */
    static Op ofClientName(String name) {
        for (Op op : values()) {
            if (op.clientName.equals(name)) return op;
        }
        throw new Flags.UsageException("--op must be echo, upload, download or ping, got '" + name + "'");
    }
}
