package pcapio_test

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/internal/corpus"
	"github.com/f0fce437/callrec/pcapio"
)

// corpusStreams are the RTP flows of the shared captures, as tshark counts
// them in pcaps/ANALYSIS.txt (packets of every SSRC of a 5-tuple summed,
// plus the non-RTP datagrams tshark shows on the same 5-tuple where noted),
// and the total UDP and TCP counts of its protocol summary.
var corpusStreams = map[string]struct {
	flows    map[string]int // "src -> dst": datagrams
	udp, tcp int            // totals, checked when non-zero
}{
	"real/Erica_rcv_ssrc0x120.pcap":        {flows: map[string]int{"10.35.20.174:41952 -> 212.247.187.28:43840": 6871}},
	"real/Erica_ssrc0x576392e0.pcap":       {flows: map[string]int{"212.247.187.28:43840 -> 10.35.20.174:41952": 6857}},
	"real/Kamilla_babblar_lite.pcap":       {flows: map[string]int{"77.218.7.158:30356 -> 212.247.187.28:43348": 3162}},
	"real/RTP_pcma_2min_cisco_hold.pcapng": {udp: 6288},
	"real/heplify_sip_ipv6_udp.pcap":       {udp: 6},
	"real/lundgrel_g711a.pcap":             {flows: map[string]int{"81.23.228.146:52024 -> 192.168.99.53:35886": 5535}},
	"real/lundgrel_g722.pcap":              {flows: map[string]int{"81.23.228.146:52016 -> 192.168.99.53:53468": 5413}},
	"real/mario_choppy_speech.pcap":        {flows: map[string]int{"10.43.0.26:50564 -> 10.49.7.100:41196": 4196}},
	"real/ndpi_FAX-Call-t38-CA-TDM-SIP-FB-1.pcap": {udp: 1552, flows: map[string]int{
		"10.23.1.52:16756 -> 10.35.60.100:15580": 1171,
		"10.35.60.100:15580 -> 10.23.1.52:16756": 132 + 27, // and 27 T.38 (UDPTL) datagrams after the re-INVITE
	}},
	"real/ndpi_rtcp_multiple_pkts_sll.pcap": {udp: 5},
	"real/ndpi_rtp.pcapng": {udp: 75, tcp: 37, flows: map[string]int{
		// tshark's RTP counts plus the non-RTP datagrams it shows on the same flows
		"10.140.67.167:55402 -> 148.153.85.97:6008":     29 + 1,
		"192.113.193.227:50003 -> 150.219.118.19:54234": 6 + 12 + 1,
		"150.219.118.19:54234 -> 192.113.193.227:50003": 7 + 4,
		"10.204.220.71:6000 -> 10.204.220.171:6000":     15,
	}},
	"real/ndpi_sip.pcap": {udp: 112, flows: map[string]int{"192.168.1.2:30000 -> 212.242.33.36:40392": 9}},
	"real/ndpi_skinny.pcap": {flows: map[string]int{
		"192.168.195.50:17732 -> 192.168.193.24:9400":  15,
		"192.168.195.58:32152 -> 192.168.193.24:9396":  16,
		"192.168.195.50:17718 -> 192.168.195.58:32144": 33,
		"192.168.195.50:17726 -> 192.168.193.24:9399":  17,
		"192.168.195.58:32144 -> 192.168.195.50:17718": 36,
		"192.168.195.58:32150 -> 192.168.193.24:9395":  18,
	}},
	"real/recv_streams_SSRC_0x3201e4_0x1000a323.pcap": {flows: map[string]int{"10.50.153.209:17548 -> 10.50.144.208:40308": 1672}},
	"real/rtp-g729a.pcap":                             {flows: map[string]int{"10.0.2.15:28120 -> 10.0.2.20:6000": 425}},
	"real/rtp_pcmu_recv.pcap":                         {flows: map[string]int{"10.70.128.177:24812 -> 172.19.54.167:40904": 514}},
	"real/rtp_ssrc_0x6a518186.pcap":                   {flows: map[string]int{"10.58.232.40:5502 -> 10.8.7.22:43520": 821}},
	"real/rtp_ssrc_0x6a518186.pcapng":                 {flows: map[string]int{"10.58.232.40:5502 -> 10.8.7.22:43520": 821}},
	"real/sip-rtp-g722.pcap":                          {udp: 433, flows: map[string]int{"10.0.2.15:17472 -> 10.0.2.20:6000": 425}},
	"real/sip-rtp-g729a.pcap":                         {udp: 433, flows: map[string]int{"10.0.2.15:28120 -> 10.0.2.20:6000": 425}},
	"real/sip-rtp-ilbc.pcap":                          {udp: 292, flows: map[string]int{"10.0.2.15:25256 -> 10.0.2.20:6000": 284}},
	"real/sipp_dtmf_2833_1.pcap":                      {flows: map[string]int{"192.168.0.3:49176 -> 192.168.0.1:10000": 10}},
	"real/sipp_dtmf_2833_pound.pcap":                  {flows: map[string]int{"192.168.0.3:49176 -> 192.168.0.1:10000": 10}},
	"real/sipp_g711a.pcap":                            {flows: map[string]int{"10.1.3.143:5000 -> 10.1.6.18:2006": 236}},
	"real/sipp_uac_Media_DTMF_Speex.pcap": {udp: 2119, tcp: 10, flows: map[string]int{
		"213.64.235.116:28832 -> 217.214.169.162:40000": 1144,
		"217.214.169.162:40000 -> 213.64.235.116:28832": 975,
	}},
	"real/sipp_uac_ssrc_change.pcap": {flows: map[string]int{
		"10.10.9.38:21350 -> 10.10.14.18:40074":    1478,
		"10.10.14.18:40074 -> 10.10.9.38:21350":    53,
		"10.10.178.197:40000 -> 10.10.14.18:40072": 421,
		"10.10.14.18:40072 -> 10.10.178.197:40000": 354,
		"10.10.181.111:40000 -> 10.10.14.18:40056": 390,
		"10.10.178.197:40000 -> 10.10.14.18:40066": 103,
		"10.10.181.108:40000 -> 10.10.14.18:40074": 574,
		"10.10.9.38:21986 -> 10.10.14.18:40070":    2641 + 15,
		"10.10.14.18:40070 -> 10.10.9.38:21986":    1233,
	}},
	"real/srtp_g722_DTMF_srcport_29394.pcap": {flows: map[string]int{"192.168.242.7:29394 -> 10.63.17.44:40008": 686}},

	"derived/rtp-pcmu_loss-reorder-dup.pcap": {flows: map[string]int{"10.70.128.177:24812 -> 172.19.54.167:40904": 508}},
	"derived/rtp-pcmu_rawip.pcap":            {flows: map[string]int{"10.70.128.177:24812 -> 172.19.54.167:40904": 514}},
	"derived/rtp-pcmu_seq-ts-wrap.pcap":      {flows: map[string]int{"10.70.128.177:24812 -> 172.19.54.167:40904": 514}},
	"derived/sip-g711a-dtmf_sll.pcap": {udp: 2119, tcp: 10, flows: map[string]int{
		"213.64.235.116:28832 -> 217.214.169.162:40000": 1144,
		"217.214.169.162:40000 -> 213.64.235.116:28832": 975,
	}},
	"derived/sip-g711a-dtmf_vlan100.pcap": {udp: 2119, tcp: 10, flows: map[string]int{
		"213.64.235.116:28832 -> 217.214.169.162:40000": 1144,
		"217.214.169.162:40000 -> 213.64.235.116:28832": 975,
	}},
	"derived/sip-rtp-g722_ipv6.pcap":              {udp: 433, flows: map[string]int{"[2001:db8::a00:20f]:17472 -> [2001:db8::a00:214]:6000": 425}},
	"derived/sip-rtp-g722_loss-reorder-dup.pcap":  {flows: map[string]int{"10.0.2.15:17472 -> 10.0.2.20:6000": 419}},
	"derived/sip-rtp-g722_sll2.pcap":              {udp: 433, flows: map[string]int{"10.0.2.15:17472 -> 10.0.2.20:6000": 425}},
	"derived/sip-rtp-g729a_loss-reorder-dup.pcap": {flows: map[string]int{"10.0.2.15:28120 -> 10.0.2.20:6000": 419}},
	"derived/sip-rtp-g729a_null.pcap":             {udp: 433, flows: map[string]int{"10.0.2.15:28120 -> 10.0.2.20:6000": 425}},
	"derived/sip-rtp-g729a_qinq.pcap":             {udp: 433, flows: map[string]int{"10.0.2.15:28120 -> 10.0.2.20:6000": 425}},
	"derived/sip-rtp-g729b-synthetic.pcap":        {flows: map[string]int{"192.0.2.10:40000 -> 192.0.2.20:50000": 1391}},
}

func readCorpusFile(t *testing.T, rel string) ([]got, pcapio.Stats) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpus.Dir(t), "pcaps", filepath.FromSlash(rel)))
	require.NoError(t, err)
	pkts, st, err := readAll(t, data)
	require.ErrorIs(t, err, io.EOF, "%s must read to a clean end", rel)
	return pkts, st
}

func TestCorpusCounts(t *testing.T) {
	dir := corpus.Path(t, "pcaps")
	var files []string
	for _, sub := range []string{"real", "derived"} {
		names, err := filepath.Glob(filepath.Join(dir, sub, "*"))
		require.NoError(t, err)
		for _, n := range names {
			files = append(files, sub+"/"+filepath.Base(n))
		}
	}
	require.NotEmpty(t, files)
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			want, ok := corpusStreams[rel]
			require.True(t, ok, "%s is not in the expectation table: add what ANALYSIS.txt says of it", rel)
			pkts, st := readCorpusFile(t, rel)
			flows := map[string]int{}
			for _, p := range pkts {
				if p.Proto == pcapio.UDP {
					flows[p.Src.String()+" -> "+p.Dst.String()]++
				}
			}
			for flow, n := range want.flows {
				assert.Equal(t, n, flows[flow], "datagrams %s", flow)
			}
			if want.udp != 0 {
				assert.Equal(t, uint64(want.udp), st.UDP, "UDP datagrams")
			}
			if want.tcp != 0 {
				assert.Equal(t, uint64(want.tcp), st.TCP, "TCP segments")
			}
			assert.Zero(t, st.Skipped.Malformed+st.Skipped.LinkType+st.Skipped.Snapped, "%+v", st.Skipped)
		})
	}
}

// digest is what must survive a change of encapsulation: the datagram's
// ports, payload and capture time.
type digest struct {
	Time       int64
	Sport      uint16
	Dport      uint16
	PayloadSHA [32]byte
}

func digests(pkts []got, keep func(got) bool) []digest {
	var out []digest
	for _, p := range pkts {
		if keep(p) {
			out = append(out, digest{p.Time.UnixNano(), p.Src.Port(), p.Dst.Port(), sha256.Sum256([]byte(p.Payload))})
		}
	}
	return out
}

// TestCorpusDerivedMatchSources checks that re-encapsulated captures yield
// the same datagrams as the captures they were derived from.
func TestCorpusDerivedMatchSources(t *testing.T) {
	all := func(got) bool { return true }
	cases := []struct {
		derived, source string
		keep            func(got) bool
		sameAddresses   bool
	}{
		{"derived/sip-g711a-dtmf_sll.pcap", "real/sipp_uac_Media_DTMF_Speex.pcap", all, true},
		{"derived/sip-g711a-dtmf_vlan100.pcap", "real/sipp_uac_Media_DTMF_Speex.pcap", all, true},
		{"derived/sip-rtp-g729a_qinq.pcap", "real/sip-rtp-g729a.pcap", all, true},
		{"derived/sip-rtp-g729a_null.pcap", "real/sip-rtp-g729a.pcap", all, true},
		{"derived/rtp-pcmu_rawip.pcap", "real/rtp_pcmu_recv.pcap", all, true},
		{"derived/sip-rtp-g722_sll2.pcap", "real/sip-rtp-g722.pcap", all, true},
		// SIP was rewritten for IPv6: compare the RTP datagrams.
		{"derived/sip-rtp-g722_ipv6.pcap", "real/sip-rtp-g722.pcap", func(p got) bool { return p.Src.Port() == 17472 }, false},
		{"real/rtp_ssrc_0x6a518186.pcapng", "real/rtp_ssrc_0x6a518186.pcap", all, true},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.derived), func(t *testing.T) {
			d, _ := readCorpusFile(t, c.derived)
			s, _ := readCorpusFile(t, c.source)
			dd, sd := digests(d, c.keep), digests(s, c.keep)
			require.NotEmpty(t, sd)
			assert.Equal(t, sd, dd)
			if c.sameAddresses {
				assert.Equal(t, s, d, "identical datagrams, addresses and times included")
			}
		})
	}
}

// TestCorpusIPv6Addresses checks the IPv6 derivation's mapped addresses.
func TestCorpusIPv6Addresses(t *testing.T) {
	pkts, _ := readCorpusFile(t, "derived/sip-rtp-g722_ipv6.pcap")
	seen := map[string]bool{}
	for _, p := range pkts {
		seen[p.Src.Addr().String()] = true
	}
	var addrs []string
	for a := range seen {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	assert.Equal(t, []string{"2001:db8::a00:20f", "2001:db8::a00:214"}, addrs)
}
