package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads the addresses of reverse proxies whose
// X-Forwarded-For header is believed: single addresses or CIDR blocks.
func ParseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: neither an address nor a CIDR block", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// clientAddr is the address of the client behind r: the connection's
// peer, unless that peer is a trusted proxy. Then X-Forwarded-For is read
// from the right (the entries a proxy appended last) and the first
// address that is not a trusted proxy is the client, so a client cannot
// choose its address by sending the header itself. A header that cannot
// be read leaves the nearest proxy as the client, never a made-up
// address. Sign-in limits and request logs use it.
func (s *Server) clientAddr(r *http.Request) string {
	peer := r.RemoteAddr
	if len(s.cfg.TrustedProxies) == 0 {
		return peer
	}
	host := peer
	if h, _, err := net.SplitHostPort(peer); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(a) {
		return peer
	}
	client := a
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return client.String()
			}
			client = hop.Unmap()
			if !s.trusted(client) {
				return client.String()
			}
		}
	}
	return client.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
