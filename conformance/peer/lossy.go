package main

import (
	"math/rand"
	"net"
	"sync"
)

// lossyConn drops a seeded-random fraction of outgoing datagrams. kcp-go writes from several
// goroutines (one per session update), hence the lock around the generator. Wrapping the
// socket also turns off kcp-go's sendmmsg batching, which only applies to *net.UDPConn.
type lossyConn struct {
	net.PacketConn
	rate    float64
	mu      sync.Mutex
	rng     *rand.Rand
	sent    uint64
	dropped uint64
}

func newLossyConn(c net.PacketConn, rate float64, seed uint64) *lossyConn {
	return &lossyConn{PacketConn: c, rate: rate, rng: rand.New(rand.NewSource(int64(seed)))}
}

func (c *lossyConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	c.mu.Lock()
	c.sent++
	drop := c.rng.Float64() < c.rate
	if drop {
		c.dropped++
	}
	c.mu.Unlock()
	if drop {
		return len(b), nil
	}
	return c.PacketConn.WriteTo(b, addr)
}

func (c *lossyConn) stats() (sent, dropped uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent, c.dropped
}

// openSocket binds a UDP socket with kcptun's buffer sizes, wrapped for loss when asked.
func openSocket(network string, laddr *net.UDPAddr, o *options) (net.PacketConn, *lossyConn, error) {
	udp, err := net.ListenUDP(network, laddr)
	if err != nil {
		return nil, nil, err
	}
	// Best effort, as in kcptun: the kernel may cap the sizes.
	udp.SetReadBuffer(o.sockBuf)
	udp.SetWriteBuffer(o.sockBuf)
	if o.loss == 0 {
		return udp, nil, nil
	}
	l := newLossyConn(udp, o.loss, o.seed)
	return l, l, nil
}
