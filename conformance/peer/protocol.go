package main

// The request protocol spoken over one KCP session (see PROTOCOL.md). All integers are
// big-endian.

import (
	"encoding/binary"
	"fmt"
	"io"
)

const (
	opEcho   byte = 1
	opSink   byte = 2
	opSource byte = 3
	opPing   byte = 4

	headerSize = 17 // op u8 | count u64 | seed u64
	replySize  = 12 // SINK reply: bytes u64 | crc32 u32
	pingSize   = 16 // seq u64 | client time u64, echoed unchanged
	byeByte    = 0x42
)

var opNames = map[byte]string{opEcho: "echo", opSink: "sink", opSource: "source", opPing: "ping"}

type header struct {
	op    byte
	count uint64 // bytes for ECHO/SINK/SOURCE, messages for PING
	seed  uint64 // SOURCE only; zero otherwise
}

func (h header) encode() []byte {
	b := make([]byte, headerSize)
	b[0] = h.op
	binary.BigEndian.PutUint64(b[1:], h.count)
	binary.BigEndian.PutUint64(b[9:], h.seed)
	return b
}

func decodeHeader(b []byte) (header, error) {
	h := header{op: b[0], count: binary.BigEndian.Uint64(b[1:]), seed: binary.BigEndian.Uint64(b[9:])}
	if _, ok := opNames[h.op]; !ok {
		return h, fmt.Errorf("unknown op %d", h.op)
	}
	return h, nil
}

func encodeReply(n uint64, crc uint32) []byte {
	b := make([]byte, replySize)
	binary.BigEndian.PutUint64(b, n)
	binary.BigEndian.PutUint32(b[8:], crc)
	return b
}

// payload is the deterministic byte stream used for every transfer: splitmix64 outputs in
// little-endian order, 8 bytes per step, so any language can regenerate it from the seed.
type payload struct {
	state uint64
	block [8]byte
	used  int // bytes of block already handed out
}

func newPayload(seed uint64) *payload { return &payload{state: seed, used: 8} }

func (p *payload) Read(b []byte) (int, error) {
	for i := range b {
		if p.used == 8 {
			p.state += 0x9e3779b97f4a7c15
			z := p.state
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
			z = (z ^ (z >> 27)) * 0x94d049bb133111eb
			z ^= z >> 31
			binary.LittleEndian.PutUint64(p.block[:], z)
			p.used = 0
		}
		b[i] = p.block[p.used]
		p.used++
	}
	return len(b), nil
}

var _ io.Reader = (*payload)(nil)
