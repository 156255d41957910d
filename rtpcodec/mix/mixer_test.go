package mix_test

import (
	"errors"
	"math"
	"testing"

	"github.com/f0fce437/callrec/rtpcodec/mix"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type collect struct{ s []int16 }

func (c *collect) WriteSamples(s []int16) error { c.s = append(c.s, s...); return nil }

func TestStereoPlacementAndSum(t *testing.T) {
	var c collect
	m := mix.New(&c, false, 8)
	require.NoError(t, m.Add(mix.Local, 2, []int16{1, 2, 3}))
	require.NoError(t, m.Add(mix.Remote, 0, []int16{10}))
	require.NoError(t, m.Add(mix.Local, 3, []int16{100, math.MaxInt16}))
	require.NoError(t, m.Flush(2))
	require.NoError(t, m.Add(mix.Remote, 1, []int16{5, 6})) // 1 is written: dropped, 2 kept
	require.NoError(t, m.Close())
	assert.Equal(t, []int16{
		0, 10,
		0, 0,
		1, 6,
		102, 0,
		math.MaxInt16, 0, // 3 + 32767 saturates
	}, c.s)
	assert.Equal(t, int64(1), m.Dropped())
	assert.Equal(t, int64(5), m.Written())
}

func TestMonoSaturates(t *testing.T) {
	var c collect
	m := mix.New(&c, true, 4)
	require.NoError(t, m.Add(mix.Local, 0, []int16{-30000, 7}))
	require.NoError(t, m.Add(mix.Remote, 0, []int16{-30000, 8}))
	require.NoError(t, m.Close())
	assert.Equal(t, []int16{math.MinInt16, 15}, c.s)
}

func TestRingWrapsAndForcesRoom(t *testing.T) {
	var c collect
	m := mix.New(&c, false, 4)
	in := []int16{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	require.NoError(t, m.Add(mix.Local, 0, in))
	require.NoError(t, m.Close())
	require.Len(t, c.s, 20)
	for i, v := range in {
		assert.Equal(t, v, c.s[2*i])
	}
	assert.Equal(t, int64(6), m.Forced())
}

type failing struct{}

func (failing) WriteSamples([]int16) error { return errors.New("disk full") }

func TestSinkError(t *testing.T) {
	m := mix.New(failing{}, false, 4)
	require.NoError(t, m.Add(mix.Local, 0, []int16{1}))
	assert.EqualError(t, m.Close(), "disk full")
}

func TestAddZeroAllocs(t *testing.T) {
	var c collect
	m := mix.New(&c, false, 0)
	s := make([]int16, 160)
	pos := int64(0)
	allocs := testing.AllocsPerRun(100, func() {
		_ = m.Add(mix.Local, pos, s)
		_ = m.Add(mix.Remote, pos, s)
		pos += 160
	})
	assert.Zero(t, allocs)
}

type discard struct{}

func (discard) WriteSamples([]int16) error { return nil }

// BenchmarkMix mixes and writes out 20 ms of two 8 kHz streams per op.
func BenchmarkMix(b *testing.B) {
	m := mix.New(discard{}, false, 0)
	s := make([]int16, 160)
	pos := int64(0)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Add(mix.Local, pos, s)
		_ = m.Add(mix.Remote, pos, s)
		pos += 160
		_ = m.Flush(pos - 1600)
	}
}
