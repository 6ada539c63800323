package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"sort"
	"sync"
	"time"

	kcp "github.com/xtaci/kcp-go/v5"
)

// result is what the single RESULT line reports.
type result struct {
	op      string
	bytes   uint64 // payload bytes verified so far
	crc     uint32 // CRC32 (IEEE) of that payload
	elapsed time.Duration
	rttAvg  time.Duration // ping only
	rttP50  time.Duration
	rttP99  time.Duration
	rttMax  time.Duration
	// the largest after the first round trip, which also pays for the server's session setup
	rttMaxAfterFirst time.Duration
}

func (r *result) line(ok bool) string {
	secs := r.elapsed.Seconds()
	mbps := 0.0
	if secs > 0 {
		mbps = float64(r.bytes) * 8 / 1e6 / secs
	}
	s := fmt.Sprintf("RESULT op=%s bytes=%d ok=%t ms=%d mbps=%.3f crc=%08x",
		r.op, r.bytes, ok, r.elapsed.Milliseconds(), mbps, r.crc)
	if r.op == "ping" {
		s += fmt.Sprintf(" rtt_avg_ms=%.3f rtt_p50_ms=%.3f rtt_p99_ms=%.3f rtt_max_ms=%.3f rtt_max_after_first_ms=%.3f",
			ms(r.rttAvg), ms(r.rttP50), ms(r.rttP99), ms(r.rttMax), ms(r.rttMaxAfterFirst))
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runClient performs one request and prints RESULT; the return value is the exit code.
func runClient(o *options) int {
	if o.sessions > 1 {
		return runSessions(o)
	}
	res := &result{op: o.op}
	start := time.Now()
	deadline := start.Add(o.timeout)
	// Deadlines on the session bound every blocking call; this only catches a hang elsewhere.
	time.AfterFunc(o.timeout+5*time.Second, func() {
		res.elapsed = time.Since(start)
		fmt.Fprintln(os.Stderr, "client: watchdog expired")
		fmt.Println(res.line(false))
		os.Exit(1)
	})
	err := clientRun(o, deadline, start, res)
	if err != nil && !time.Now().Before(deadline) {
		err = fmt.Errorf("--timeout of %v expired: %w", o.timeout, err)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "client: %v\n", err)
		res.elapsed = time.Since(start)
		fmt.Println(res.line(false))
		return 1
	}
	fmt.Println(res.line(true))
	return 0
}

// runSessions makes the request on --sessions concurrent sessions and prints one aggregate
// RESULT line: the bytes of all of them over the wall time of the whole run.
func runSessions(o *options) int {
	start := time.Now()
	deadline := start.Add(o.timeout)
	results := make([]*result, o.sessions)
	errs := make([]error, o.sessions)
	var wg sync.WaitGroup
	for i := range results {
		results[i] = &result{op: o.op}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = clientRun(o, deadline, time.Now(), results[i])
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	ok := true
	var total uint64
	for i, r := range results {
		total += r.bytes
		if errs[i] != nil {
			ok = false
			fmt.Fprintf(os.Stderr, "client %d: %v\n", i, errs[i])
		}
	}
	mbps := 0.0
	if elapsed > 0 {
		mbps = float64(total) * 8 / 1e6 / elapsed.Seconds()
	}
	fmt.Printf("RESULT op=%s sessions=%d bytes=%d ok=%t ms=%d mbps=%.3f\n", o.op, o.sessions, total, ok,
		elapsed.Milliseconds(), mbps)
	if !ok {
		return 1
	}
	return 0
}

func clientRun(o *options, deadline, start time.Time, res *result) error {
	block, err := o.blockCrypt()
	if err != nil {
		return err
	}
	raddr, err := net.ResolveUDPAddr("udp", o.remote)
	if err != nil {
		return err
	}
	network := "udp"
	if raddr.IP.To4() != nil {
		network = "udp4"
	}
	conn, lossy, err := openSocket(network, nil, o)
	if err != nil {
		return err
	}
	defer conn.Close()
	s, err := kcp.NewConn2(raddr, block, o.dataShard, o.parityShard, conn)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := o.tune(s); err != nil {
		return err
	}
	s.SetDeadline(deadline)
	fmt.Fprintf(os.Stderr, "client conv=%d %s\n", s.GetConv(), o.describe())

	switch o.op {
	case "echo":
		err = clientEcho(s, o, res)
	case "upload":
		err = clientUpload(s, o, res)
	case "download":
		err = clientDownload(s, o, res)
	case "ping":
		err = clientPing(s, o, res)
	default:
		err = fmt.Errorf("unknown --op %q", o.op)
	}
	res.elapsed = time.Since(start)
	if lossy != nil {
		sent, dropped := lossy.stats()
		fmt.Fprintf(os.Stderr, "client loss: dropped %d of %d datagrams\n", dropped, sent)
	}
	if err != nil {
		return err
	}
	sayBye(s, deadline)
	return nil
}

// writePayload sends count bytes of the seeded stream in --chunk pieces, returning their CRC.
func writePayload(s *kcp.UDPSession, o *options, count uint64) (uint32, error) {
	src := newPayload(o.seed)
	crc := crc32.NewIEEE()
	buf := make([]byte, o.chunk)
	for left := count; left > 0; {
		n := int(min64(uint64(len(buf)), left))
		src.Read(buf[:n])
		if _, err := s.Write(buf[:n]); err != nil {
			return 0, err
		}
		crc.Write(buf[:n])
		left -= uint64(n)
	}
	return crc.Sum32(), nil
}

// readExpected reads count bytes and checks them against the seeded stream.
func readExpected(s *kcp.UDPSession, seed, count uint64, res *result) error {
	want := newPayload(seed)
	crc := crc32.NewIEEE()
	buf := make([]byte, 64*1024)
	exp := make([]byte, len(buf))
	for res.bytes < count {
		n, err := s.Read(buf[:min64(uint64(len(buf)), count-res.bytes)])
		if err != nil {
			return fmt.Errorf("after %d of %d bytes: %w", res.bytes, count, err)
		}
		want.Read(exp[:n])
		if i := firstDiff(buf[:n], exp[:n]); i >= 0 {
			return fmt.Errorf("payload mismatch at byte %d", res.bytes+uint64(i))
		}
		crc.Write(buf[:n])
		res.bytes += uint64(n)
		res.crc = crc.Sum32()
	}
	return nil
}

func clientEcho(s *kcp.UDPSession, o *options, res *result) error {
	if _, err := s.Write(header{op: opEcho, count: o.bytes}.encode()); err != nil {
		return err
	}
	// Writing and reading run together: the echo comes back while we are still sending.
	werr := make(chan error, 1)
	go func() {
		_, err := writePayload(s, o, o.bytes)
		werr <- err
	}()
	if err := readExpected(s, o.seed, o.bytes, res); err != nil {
		return err
	}
	return <-werr
}

func clientUpload(s *kcp.UDPSession, o *options, res *result) error {
	if _, err := s.Write(header{op: opSink, count: o.bytes}.encode()); err != nil {
		return err
	}
	sent, err := writePayload(s, o, o.bytes)
	if err != nil {
		return err
	}
	reply := make([]byte, replySize)
	if _, err := io.ReadFull(s, reply); err != nil {
		return fmt.Errorf("waiting for the SINK reply: %w", err)
	}
	gotN, gotCRC := binary.BigEndian.Uint64(reply), binary.BigEndian.Uint32(reply[8:])
	if gotN != o.bytes || gotCRC != sent {
		return fmt.Errorf("server got %d bytes crc %08x, sent %d bytes crc %08x", gotN, gotCRC, o.bytes, sent)
	}
	res.bytes, res.crc = gotN, gotCRC
	return nil
}

func clientDownload(s *kcp.UDPSession, o *options, res *result) error {
	if _, err := s.Write(header{op: opSource, count: o.bytes, seed: o.seed}.encode()); err != nil {
		return err
	}
	return readExpected(s, o.seed, o.bytes, res)
}

func clientPing(s *kcp.UDPSession, o *options, res *result) error {
	if _, err := s.Write(header{op: opPing, count: uint64(o.count)}.encode()); err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	msg, echo := make([]byte, pingSize), make([]byte, pingSize)
	var total time.Duration
	rtts := make([]time.Duration, 0, o.count)
	// The percentiles are nearest-rank, as the Java client computes them.
	defer func() {
		if len(rtts) == 0 {
			return
		}
		sort.Slice(rtts, func(a, b int) bool { return rtts[a] < rtts[b] })
		rank := func(p int) time.Duration {
			i := (p*len(rtts) + 99) / 100
			if i < 1 {
				i = 1
			}
			return rtts[i-1]
		}
		res.rttP50, res.rttP99 = rank(50), rank(99)
	}()
	for i := 0; i < o.count; i++ {
		sentAt := time.Now()
		binary.BigEndian.PutUint64(msg, uint64(i))
		binary.BigEndian.PutUint64(msg[8:], uint64(sentAt.UnixNano()))
		if _, err := s.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(s, echo); err != nil {
			return fmt.Errorf("ping %d: %w", i, err)
		}
		if !bytes.Equal(msg, echo) {
			return fmt.Errorf("ping %d: echo differs", i)
		}
		rtt := time.Since(sentAt)
		rtts = append(rtts, rtt)
		total += rtt
		if rtt > res.rttMax {
			res.rttMax = rtt
		}
		if i > 0 && rtt > res.rttMaxAfterFirst {
			res.rttMaxAfterFirst = rtt
		}
		crc.Write(echo)
		res.bytes += pingSize
		res.crc = crc.Sum32()
		res.rttAvg = total / time.Duration(i+1)
	}
	return nil
}

// sayBye tells the server everything arrived and waits briefly for its BYE, so the server
// can close at once. A missing answer does not change the result: the server then idles out.
func sayBye(s *kcp.UDPSession, deadline time.Time) {
	wait := time.Now().Add(2 * time.Second)
	if wait.After(deadline) {
		wait = deadline
	}
	s.SetDeadline(wait)
	b := []byte{byeByte}
	if _, err := s.Write(b); err == nil {
		_, err = io.ReadFull(s, b)
		if err == nil && b[0] == byeByte {
			return
		}
	}
	fmt.Fprintln(os.Stderr, "client: no BYE from the server (result unaffected)")
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}
