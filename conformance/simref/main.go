package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"goref/kcp"
)

type splitmix struct{ s uint64 }

func (r *splitmix) nextInt(bound int) int {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return int(z % uint64(bound))
}

type pkt struct {
	data []byte
	at   uint32
}
type dir struct {
	r        splitmix
	bag      [100]int
	left     int
	q        []pkt
	last     uint32
	sent     int
	lost     int
}

func (d *dir) ticket() int {
	if d.left == 0 {
		for i := range d.bag {
			d.bag[i] = i
		}
		d.left = 100
	}
	i := d.r.nextInt(d.left)
	t := d.bag[i]
	d.left--
	d.bag[i] = d.bag[d.left]
	return t
}
func (d *dir) offer(b []byte, now uint32) {
	d.sent++
	if d.ticket() < 5 {
		d.lost++
		return
	}
	if len(d.q) >= 1000 {
		return
	}
	at := now + 30 + uint32(d.r.nextInt(32))
	if len(d.q) > 0 && int32(at-d.last) < 0 {
		at = d.last
	}
	d.last = at
	c := make([]byte, len(b))
	copy(c, b)
	d.q = append(d.q, pkt{c, at})
}
func (d *dir) poll(now uint32) []byte {
	if len(d.q) == 0 || int32(now-d.q[0].at) < 0 {
		return nil
	}
	p := d.q[0]
	d.q = d.q[1:]
	return p.data
}

func main() {
	seed, _ := strconv.ParseInt(os.Args[1], 10, 64)
	mode := os.Args[2]
	start64, _ := strconv.ParseInt(os.Args[3], 10, 64)
	start := uint32(start64)
	net := [2]*dir{{r: splitmix{uint64(seed)}}, {r: splitmix{^uint64(seed)}}}
	var now uint32
	mk := func(peer int) *kcp.KCP {
		k := kcp.NewKCP(0x11223344, func(buf []byte, size int) { net[peer].offer(buf[:size], now) })
		k.WndSize(128, 128)
		switch mode {
		case "default":
			k.NoDelay(0, 10, 0, 0)
		case "normal":
			k.NoDelay(0, 10, 0, 1)
		case "fast":
			k.NoDelay(2, 10, 2, 1)
			k.SetMinRto(10)
		}
		return k
	}
	now = start
	kcp.SimNow = now
	c, s := mk(0), mk(1)
	nc, ns, nextSend := start, start, start+20
	index, expected := uint32(0), 0
	var sum int64
	maxrtt := 0
	buf := make([]byte, 2048)
	for expected < 1000 {
		now++
		kcp.SimNow = now
		if int32(now-nc) >= 0 {
			nc = now + c.Flush()
		}
		if int32(now-ns) >= 0 {
			ns = now + s.Flush()
		}
		for ; int32(now-nextSend) >= 0; nextSend += 20 {
			binary.LittleEndian.PutUint32(buf, index)
			binary.LittleEndian.PutUint32(buf[4:], now)
			index++
			c.Send(buf[:8])
			c.Flush()
		}
		for d := net[0].poll(now); d != nil; d = net[0].poll(now) {
			s.Input(d, true, false)
		}
		for d := net[1].poll(now); d != nil; d = net[1].poll(now) {
			c.Input(d, true, false)
		}
		for {
			n := s.Recv(buf)
			if n < 0 {
				break
			}
			s.Send(buf[:n])
			s.Flush()
		}
		for expected < 1000 {
			n := c.Recv(buf)
			if n < 0 {
				break
			}
			sn := binary.LittleEndian.Uint32(buf)
			rtt := int(now - binary.LittleEndian.Uint32(buf[4:]))
			if int(sn) != expected {
				panic("order")
			}
			expected++
			sum += int64(rtt)
			if rtt > maxrtt {
				maxrtt = rtt
			}
		}
	}
	fmt.Printf("goref mode=%s avgrtt=%d maxrtt=%d total=%d sent=%d/%d lost=%d/%d\n", mode, sum/int64(expected), maxrtt, now-start, net[0].sent, net[1].sent, net[0].lost, net[1].lost)
}
