package main

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"time"

	kcp "github.com/xtaci/kcp-go/v5"
)

// After answering BYE the session stays open this long, so the client's last ACKs land in it
// instead of making kcp-go's listener open a fresh session for them.
const serverLinger = time.Second

func runServer(o *options) error {
	block, err := o.blockCrypt()
	if err != nil {
		return err
	}
	laddr, err := net.ResolveUDPAddr("udp", o.listen)
	if err != nil {
		return err
	}
	conn, lossy, err := openSocket("udp", laddr, o)
	if err != nil {
		return err
	}
	defer conn.Close()
	lis, err := kcp.ServeConn(block, o.dataShard, o.parityShard, conn)
	if err != nil {
		return err
	}
	defer lis.Close()
	fmt.Fprintf(os.Stderr, "server %s\n", o.describe())
	fmt.Printf("LISTENING addr=%s\n", conn.LocalAddr()) // os.Stdout is unbuffered

	var end time.Time
	if o.timeout > 0 {
		end = time.Now().Add(o.timeout)
		lis.SetDeadline(end)
	}
	for {
		s, err := lis.AcceptKCP()
		if err != nil {
			if lossy != nil {
				sent, dropped := lossy.stats()
				fmt.Fprintf(os.Stderr, "server loss: dropped %d of %d datagrams\n", dropped, sent)
			}
			if !end.IsZero() && !time.Now().Before(end) {
				return nil // lifetime over
			}
			return err
		}
		if err := o.tune(s); err != nil {
			s.Close()
			return err
		}
		go serveSession(s, o)
	}
}

// sessionLog is one finished session, printed as a single stderr line.
type sessionLog struct {
	op    string
	bytes uint64
	crc   uint32
	ok    bool
	end   string // bye, idle (no progress for --idle), or error
}

func serveSession(s *kcp.UDPSession, o *options) {
	start := time.Now()
	c := &idleConn{s: s, idle: o.idle}
	rec := sessionLog{op: "none"}
	err := handle(c, &rec)
	switch {
	case err == nil:
		rec.end = "bye"
	case errors.Is(err, errIdle):
		rec.end = "idle"
		if rec.op == "none" && c.read == 0 {
			rec.ok = true // opened by stray packets and never used: nothing failed
		}
	default:
		rec.end = "error"
		fmt.Fprintf(os.Stderr, "session %s conv=%d: %v\n", s.RemoteAddr(), s.GetConv(), err)
	}
	if rec.end == "bye" {
		lingerThenClose(s)
	} else {
		s.Close()
	}
	fmt.Fprintf(os.Stderr, "SESSION remote=%s conv=%d op=%s bytes=%d ok=%t end=%s ms=%d crc=%08x\n",
		s.RemoteAddr(), s.GetConv(), rec.op, rec.bytes, rec.ok, rec.end, time.Since(start).Milliseconds(), rec.crc)
}

// handle runs one request; rec.ok turns true once the request itself is fully served.
func handle(c *idleConn, rec *sessionLog) error {
	hb := make([]byte, headerSize)
	if _, err := io.ReadFull(c, hb); err != nil {
		return err
	}
	h, err := decodeHeader(hb)
	if err != nil {
		return err
	}
	rec.op = opNames[h.op]
	crc := crc32.NewIEEE()
	buf := make([]byte, 64*1024)
	switch h.op {
	case opEcho:
		// Echo what arrives, in the pieces it arrives in, until count bytes went back.
		for rec.bytes < h.count {
			n, err := c.Read(buf[:min64(uint64(len(buf)), h.count-rec.bytes)])
			if err != nil {
				return err
			}
			if _, err := c.Write(buf[:n]); err != nil {
				return err
			}
			crc.Write(buf[:n])
			rec.bytes += uint64(n)
			rec.crc = crc.Sum32()
		}
	case opSink:
		for rec.bytes < h.count {
			n, err := c.Read(buf[:min64(uint64(len(buf)), h.count-rec.bytes)])
			if err != nil {
				return err
			}
			crc.Write(buf[:n])
			rec.bytes += uint64(n)
		}
		rec.crc = crc.Sum32()
		if _, err := c.Write(encodeReply(rec.bytes, rec.crc)); err != nil {
			return err
		}
	case opSource:
		src := newPayload(h.seed)
		for rec.bytes < h.count {
			n := int(min64(uint64(len(buf)), h.count-rec.bytes))
			src.Read(buf[:n])
			if _, err := c.Write(buf[:n]); err != nil {
				return err
			}
			crc.Write(buf[:n])
			rec.bytes += uint64(n)
		}
		rec.crc = crc.Sum32()
	case opPing:
		msg := make([]byte, pingSize)
		for i := uint64(0); i < h.count; i++ {
			if _, err := io.ReadFull(c, msg); err != nil {
				return err
			}
			if _, err := c.Write(msg); err != nil {
				return err
			}
			crc.Write(msg)
			rec.bytes += pingSize
		}
		rec.crc = crc.Sum32()
	}
	rec.ok = true
	return expectBye(c)
}

// expectBye waits for the client's BYE, which proves our reply arrived, and answers it.
func expectBye(c *idleConn) error {
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil {
		return err
	}
	if b[0] != byeByte {
		return fmt.Errorf("expected BYE 0x%02x, got 0x%02x", byeByte, b[0])
	}
	_, err := c.Write(b)
	return err
}

func lingerThenClose(s *kcp.UDPSession) {
	s.SetReadDeadline(time.Now().Add(serverLinger))
	buf := make([]byte, 1500)
	for {
		if _, err := s.Read(buf); err != nil {
			break
		}
	}
	s.Close()
}

var errIdle = errors.New("idle")

// idleConn gives every Read and Write a fresh deadline, so a session dies after --idle
// seconds without progress rather than after a fixed total time. kcp-go's timeout error is
// not a net.Error, so expiry is recognised by the clock instead.
type idleConn struct {
	s    *kcp.UDPSession
	idle time.Duration
	read uint64
}

func (c *idleConn) Read(b []byte) (int, error) {
	dl := time.Now().Add(c.idle)
	c.s.SetReadDeadline(dl)
	n, err := c.s.Read(b)
	c.read += uint64(n)
	return n, idleOr(err, dl)
}

func (c *idleConn) Write(b []byte) (int, error) {
	dl := time.Now().Add(c.idle)
	c.s.SetWriteDeadline(dl)
	n, err := c.s.Write(b)
	return n, idleOr(err, dl)
}

func idleOr(err error, deadline time.Time) error {
	if err != nil && !time.Now().Before(deadline) {
		return errIdle
	}
	return err
}

func min64(a, b uint64) uint64 {
	if a < b {
		return a
	}
	return b
}
