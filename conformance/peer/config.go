package main

import (
	"crypto/sha1"
	"flag"
	"fmt"
	"time"

	kcp "github.com/xtaci/kcp-go/v5"
	"golang.org/x/crypto/pbkdf2"
)

// options holds every knob of both roles; flag names follow kcptun where kcptun has one.
type options struct {
	role                          string
	listen, remote                string
	crypt, key                    string
	dataShard, parityShard        int
	mode                          string
	noDelay, interval, resend, nc int
	sndWnd, rcvWnd, mtu           int
	stream, ackNoDelay            bool
	sockBuf                       int
	loss                          float64
	seed                          uint64
	timeout, idle                 time.Duration
	op                            string
	bytes                         uint64
	chunk, count, sessions        int
}

func parseOptions(role string, args []string) (*options, error) {
	o := &options{role: role}
	fs := flag.NewFlagSet(role, flag.ContinueOnError)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "server: UDP address to listen on (port 0 picks one)")
	fs.StringVar(&o.remote, "remote", "", "client: server address HOST:PORT")
	fs.StringVar(&o.crypt, "crypt", "aes", "aes aes-128 aes-192 salsa20 blowfish twofish cast5 3des tea xtea xor sm4 none null")
	fs.StringVar(&o.key, "key", "it's a secrect", "pre-shared secret (kcptun's default)")
	fs.IntVar(&o.dataShard, "datashard", 10, "FEC data shards (0 with parityshard 0: no FEC)")
	fs.IntVar(&o.parityShard, "parityshard", 3, "FEC parity shards")
	fs.StringVar(&o.mode, "mode", "fast", "normal fast fast2 fast3 manual; explicit --nodelay/--interval/--resend/--nc override the preset")
	fs.IntVar(&o.noDelay, "nodelay", 0, "KCP nodelay")
	fs.IntVar(&o.interval, "interval", 50, "KCP update interval, ms")
	fs.IntVar(&o.resend, "resend", 0, "KCP fast resend")
	fs.IntVar(&o.nc, "nc", 0, "1 disables congestion control")
	fs.IntVar(&o.sndWnd, "sndwnd", 0, "send window, packets (0: kcptun's default, 128 client / 1024 server)")
	fs.IntVar(&o.rcvWnd, "rcvwnd", 0, "receive window, packets (0: kcptun's default, 512 client / 1024 server)")
	fs.IntVar(&o.mtu, "mtu", 1350, "maximum datagram size")
	fs.BoolVar(&o.stream, "stream", false, "KCP stream mode")
	fs.BoolVar(&o.ackNoDelay, "acknodelay", false, "send ACKs immediately")
	fs.IntVar(&o.sockBuf, "sockbuf", 4194304, "UDP socket buffer, bytes")
	fs.Float64Var(&o.loss, "loss", 0, "fraction of outgoing datagrams to drop (0..1)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the loss pattern and of the payload")
	timeoutSec := fs.Float64("timeout", 0, "seconds; client: whole run (default 60), fails on expiry; server: lifetime (0 forever)")
	idleSec := fs.Float64("idle", 15, "server: close a session after this many seconds without progress")
	fs.StringVar(&o.op, "op", "echo", "client: echo upload download ping")
	fs.Uint64Var(&o.bytes, "bytes", 1<<20, "client: payload bytes for echo/upload/download")
	fs.IntVar(&o.chunk, "chunk", 32768, "client: bytes per Write")
	fs.IntVar(&o.count, "count", 100, "client: ping messages")
	fs.IntVar(&o.sessions, "sessions", 1, "client: concurrent sessions, each making the request; one aggregate RESULT line")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	if err := o.applyMode(explicit); err != nil {
		return nil, err
	}
	if o.sndWnd == 0 {
		o.sndWnd = map[string]int{"client": 128, "server": 1024}[role]
	}
	if o.rcvWnd == 0 {
		o.rcvWnd = map[string]int{"client": 512, "server": 1024}[role]
	}
	if *timeoutSec == 0 && role == "client" {
		*timeoutSec = 60
	}
	o.timeout = time.Duration(*timeoutSec * float64(time.Second))
	o.idle = time.Duration(*idleSec * float64(time.Second))
	switch {
	case o.loss < 0 || o.loss >= 1:
		return nil, fmt.Errorf("--loss must be in [0,1)")
	case o.chunk <= 0 || o.count <= 0 || o.idle <= 0:
		return nil, fmt.Errorf("--chunk, --count and --idle must be positive")
	case role == "client" && o.remote == "":
		return nil, fmt.Errorf("client needs --remote HOST:PORT")
	case role == "client" && !map[string]bool{"echo": true, "upload": true, "download": true, "ping": true}[o.op]:
		return nil, fmt.Errorf("unknown --op %q", o.op)
	case o.sessions < 1 || o.sessions > 1024:
		return nil, fmt.Errorf("--sessions must be 1 to 1024, got %d", o.sessions)
	}
	return o, nil
}

// applyMode sets kcptun's presets, then lets explicitly given flags win.
func (o *options) applyMode(explicit map[string]bool) error {
	presets := map[string][4]int{
		"normal": {0, 40, 2, 1},
		"fast":   {0, 30, 2, 1},
		"fast2":  {1, 20, 2, 1},
		"fast3":  {1, 10, 2, 1},
	}
	if o.mode == "manual" {
		return nil
	}
	p, ok := presets[o.mode]
	if !ok {
		return fmt.Errorf("unknown --mode %q", o.mode)
	}
	for i, f := range []struct {
		name string
		dst  *int
	}{{"nodelay", &o.noDelay}, {"interval", &o.interval}, {"resend", &o.resend}, {"nc", &o.nc}} {
		if !explicit[f.name] {
			*f.dst = p[i]
		}
	}
	return nil
}

// blockCrypt derives the key as kcptun does and picks the cipher by kcptun's name.
// "null" means no BlockCrypt at all (no nonce/CRC header on the wire); "none" keeps the header.
func (o *options) blockCrypt() (kcp.BlockCrypt, error) {
	if o.crypt == "null" {
		return nil, nil
	}
	pass := pbkdf2.Key([]byte(o.key), []byte("kcp-go"), 4096, 32, sha1.New)
	ctors := map[string]func() (kcp.BlockCrypt, error){
		"aes":      func() (kcp.BlockCrypt, error) { return kcp.NewAESBlockCrypt(pass) },
		"aes-128":  func() (kcp.BlockCrypt, error) { return kcp.NewAESBlockCrypt(pass[:16]) },
		"aes-192":  func() (kcp.BlockCrypt, error) { return kcp.NewAESBlockCrypt(pass[:24]) },
		"salsa20":  func() (kcp.BlockCrypt, error) { return kcp.NewSalsa20BlockCrypt(pass) },
		"blowfish": func() (kcp.BlockCrypt, error) { return kcp.NewBlowfishBlockCrypt(pass) },
		"twofish":  func() (kcp.BlockCrypt, error) { return kcp.NewTwofishBlockCrypt(pass) },
		"cast5":    func() (kcp.BlockCrypt, error) { return kcp.NewCast5BlockCrypt(pass[:16]) },
		"3des":     func() (kcp.BlockCrypt, error) { return kcp.NewTripleDESBlockCrypt(pass[:24]) },
		"tea":      func() (kcp.BlockCrypt, error) { return kcp.NewTEABlockCrypt(pass[:16]) },
		"xtea":     func() (kcp.BlockCrypt, error) { return kcp.NewXTEABlockCrypt(pass[:16]) },
		"xor":      func() (kcp.BlockCrypt, error) { return kcp.NewSimpleXORBlockCrypt(pass) },
		"sm4":      func() (kcp.BlockCrypt, error) { return kcp.NewSM4BlockCrypt(pass[:16]) },
		"none":     func() (kcp.BlockCrypt, error) { return kcp.NewNoneBlockCrypt(pass) },
	}
	ctor, ok := ctors[o.crypt]
	if !ok {
		return nil, fmt.Errorf("unknown --crypt %q", o.crypt)
	}
	return ctor()
}

// tune applies the per-session knobs the way kcptun does on both ends.
func (o *options) tune(s *kcp.UDPSession) error {
	if !s.SetMtu(o.mtu) {
		return fmt.Errorf("--mtu %d rejected by kcp-go", o.mtu)
	}
	s.SetStreamMode(o.stream)
	s.SetWriteDelay(false)
	s.SetNoDelay(o.noDelay, o.interval, o.resend, o.nc)
	s.SetWindowSize(o.sndWnd, o.rcvWnd)
	s.SetACKNoDelay(o.ackNoDelay)
	return nil
}

func (o *options) describe() string {
	return fmt.Sprintf("crypt=%s fec=%d/%d mode=%s nodelay=%d,%d,%d,%d wnd=%d/%d mtu=%d stream=%t acknodelay=%t loss=%g",
		o.crypt, o.dataShard, o.parityShard, o.mode, o.noDelay, o.interval, o.resend, o.nc,
		o.sndWnd, o.rcvWnd, o.mtu, o.stream, o.ackNoDelay, o.loss)
}
