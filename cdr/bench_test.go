package cdr_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"github.com/f0fce437/callrec/cdr"
)

// BenchmarkParseCorrelate measures the intake path's CPU work on the 300 kB
// batch: parse every CDR (model, Raw, key), group them by conference and
// correlate a recording of each conference. Run it on one core:
//
//	go test ./cdr -run '^$' -bench ParseCorrelate -cpu 1
func BenchmarkParseCorrelate(b *testing.B) {
	data := readFixture(b, batchFixture)
	pol := cdr.Policy{Directory: users}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var n int
	for b.Loop() {
		byConf := map[string][]cdr.CDR{}
		var order []string
		n = eachCDR(b, data, func(c *cdr.CDR) {
			for _, conf := range c.Confs() {
				if _, ok := byConf[conf]; !ok {
					order = append(order, conf)
				}
				byConf[conf] = append(byConf[conf], *c)
			}
		})
		for _, conf := range order {
			info := cdr.Resolve(cdr.Recording{Conf: conf}, byConf[conf], pol)
			if info.State != cdr.StateAttached {
				b.Fatal(info.State)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "CDRs/s")
}

// BenchmarkDecode measures parsing alone.
func BenchmarkDecode(b *testing.B) {
	data := readFixture(b, batchFixture)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var n int
	for b.Loop() {
		n = eachCDR(b, data, func(*cdr.CDR) {})
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "CDRs/s")
}

// eachCDR decodes data, calls fn for each CDR and returns how many there
// were.
func eachCDR(b *testing.B, data []byte, fn func(*cdr.CDR)) int {
	d := cdr.NewDecoder(bytes.NewReader(data), cdr.Limits{})
	for n := 0; ; n++ {
		var c cdr.CDR
		err := d.Decode(&c)
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		fn(&c)
	}
}

// plainCDR is what a plain encoding/xml Unmarshal of the same documents
// reads: the peer for BenchmarkStdlibUnmarshal (there is no Debian tool for
// innovaphone CDRs). It has no limits, no Raw, no key and no checks.
type plainCDR struct {
	GUID   string `xml:"guid,attr"`
	Sys    string `xml:"sys,attr"`
	PBX    string `xml:"pbx,attr"`
	Node   string `xml:"node,attr"`
	Device string `xml:"device,attr"`
	CN     string `xml:"cn,attr"`
	E164   string `xml:"e164,attr"`
	H323   string `xml:"h323,attr"`
	Dir    string `xml:"dir,attr"`
	UTC    int64  `xml:"utc,attr"`
	Local  int64  `xml:"local,attr"`
	ID     string `xml:"id,attr"`
	User   *struct {
		Pseudo string `xml:"pseudo,attr"`
		Groups []struct {
			Name string `xml:"name,attr"`
		} `xml:"grp"`
	} `xml:"user"`
	Events []struct {
		Msg   string       `xml:"msg,attr"`
		Time  int64        `xml:"time,attr"`
		Type  string       `xml:"type,attr"`
		E164  string       `xml:"e164,attr"`
		H323  string       `xml:"h323,attr"`
		CN    string       `xml:"cn,attr"`
		Cause int          `xml:"cause,attr"`
		Conf  string       `xml:"conf,attr"`
		To    *plainParty  `xml:"to"`
		EP    *plainParty  `xml:"ep"`
		CF    []plainParty `xml:"cf"`
		CT    []plainParty `xml:"ct"`
	} `xml:"event"`
}

type plainParty struct {
	E164 string `xml:"e164,attr"`
	H323 string `xml:"h323,attr"`
	DN   string `xml:"dn,attr"`
}

// BenchmarkStdlibUnmarshal is the peer: encoding/xml's Unmarshal of the same
// batch into plainCDR.
func BenchmarkStdlibUnmarshal(b *testing.B) {
	data := readFixture(b, batchFixture)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var n int
	for b.Loop() {
		var doc struct {
			CDRs []plainCDR `xml:"cdr"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil {
			b.Fatal(err)
		}
		n = len(doc.CDRs)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "CDRs/s")
}
