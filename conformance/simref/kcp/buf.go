package kcp
import "sync"
const mtuLimit = 1500
var xmitBuf = sync.Pool{New: func() interface{} { return make([]byte, mtuLimit) }}
func (kcp *KCP) Flush() uint32 { return kcp.flush(false) }
func (kcp *KCP) SetMinRto(v uint32) { kcp.rx_minrto = v }
