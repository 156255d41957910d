package sdp_test

import (
	"net/netip"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/sdp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		body string
		want sdp.Session
		err  error
	}{
		{
			name: "innovaphone-style offer",
			body: "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
				"m=audio 16386 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n",
			want: sdp.Session{
				Addr: netip.MustParseAddr("192.0.2.10"),
				Media: []sdp.Media{{
					Kind: "audio", Proto: "RTP/AVP", Addr: netip.MustParseAddrPort("192.0.2.10:16386"),
					Formats: []sdp.Format{
						{PayloadType: 8, Name: "PCMA", ClockRate: 8000},
						{PayloadType: 0},
						{PayloadType: 101, Name: "TELEPHONE-EVENT", ClockRate: 8000, Fmtp: "0-15"},
					},
				}},
			},
		},
		{
			name: "media-level IPv6 address, bare LF, G.729 fmtp",
			body: "v=0\nc=IN IP4 198.51.100.1\nm=audio 4000 RTP/AVP 18\nc=IN IP6 2001:db8::1\na=rtpmap:18 G729/8000\na=fmtp:18 annexb=no\n",
			want: sdp.Session{
				Addr: netip.MustParseAddr("198.51.100.1"),
				Media: []sdp.Media{{
					Kind: "audio", Proto: "RTP/AVP", Addr: netip.MustParseAddrPort("[2001:db8::1]:4000"),
					Formats: []sdp.Format{{PayloadType: 18, Name: "G729", ClockRate: 8000, Fmtp: "annexb=no"}},
				}},
			},
		},
		{
			name: "t38 image and audio, rtpmap with channels",
			body: "v=0\r\nm=audio 5004 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\nm=image 5006 udptl t38\r\nc=IN IP4 192.0.2.7/127\r\n",
			want: sdp.Session{
				Media: []sdp.Media{
					{Kind: "audio", Proto: "RTP/AVP", Formats: []sdp.Format{{PayloadType: 96, Name: "OPUS", ClockRate: 48000, Channels: 2}}},
					{Kind: "image", Proto: "udptl", Addr: netip.MustParseAddrPort("192.0.2.7:5006")},
				},
			},
		},
		{name: "no version", body: "m=audio 1 RTP/AVP 0\r\n", err: sdp.ErrNotSDP},
		{name: "no media", body: "v=0\r\nc=IN IP4 192.0.2.1\r\n", err: sdp.ErrNotSDP},
		{name: "garbage", body: "\x00\x01binary", err: sdp.ErrNotSDP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := sdp.Parse([]byte(tc.body))
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestMediaFormat(t *testing.T) {
	s, err := sdp.Parse([]byte("v=0\nm=audio 1 RTP/AVP 0 13\na=rtpmap:13 CN/8000\n"))
	require.NoError(t, err)
	f, ok := s.Media[0].Format(13)
	require.True(t, ok)
	assert.Equal(t, "13 CN/8000", f.String())
	_, ok = s.Media[0].Format(8)
	assert.False(t, ok)
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("v=0\r\nc=IN IP4 192.0.2.10\r\nm=audio 16386 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"))
	f.Add([]byte("v=0\nm=audio 4000/2 RTP/AVP 18\nc=IN IP6 2001:db8::1/64\na=rtpmap:18 G729/8000/1\n"))
	f.Add([]byte("v=0\nm=audio x\na=rtpmap:\na=fmtp:999 y\nc=IN IP4\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := sdp.Parse(body)
		if err != nil {
			return
		}
		for _, m := range s.Media {
			for _, fm := range m.Formats {
				if fm.PayloadType > 127 {
					t.Fatalf("payload type %d out of range", fm.PayloadType)
				}
			}
		}
	})
}
