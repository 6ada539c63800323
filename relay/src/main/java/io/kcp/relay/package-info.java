/**
 * A seeded UDP impairment relay for demos, tests and benchmarks: point a client at
 * {@link io.kcp.relay.ImpairmentRelay#localAddress()} and it reaches the server through a link
 * that loses, delays, jitters, reorders, duplicates and rate-limits datagrams as each direction's
 * {@link io.kcp.relay.Impairment} says, reproducibly for a given seed.
 */
package io.kcp.relay;
