package cdr_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/f0fce437/callrec/cdr"
)

// users is the directory of the fixtures' PBX: registration names and
// device ids map phones to users.
var users = cdr.UserList{
	{Name: "alice", DisplayName: "Alice A.", Devices: []string{"alice-phone", "IP112-a2-01-01"}},
	{Name: "bob", DisplayName: "Bob B.", Devices: []string{"bob-phone"}},
	{Name: "carol", Devices: []string{"carol-desk"}},
	{Name: "dave", DisplayName: "Dave D.", Devices: []string{"dave-phone"}},
	{Name: "erin", Devices: []string{"erin-phone"}},
}

// Conference GUIDs of the fixtures.
const (
	confBasic    = "8a6b4c2de909d31192e80090331032aa"
	confTrunkIn  = "b47e9a10e909d31192e80090331032bb"
	confTrunkOut = "c2d3e4f5e909d31192e80090331032cc"
	confQueue    = "d5e6f708e909d31192e80090331032dd"
	confTransfer = "e1f20314e909d31192e80090331032ee" // alice's call, bob's first leg
	confConsult  = "f2031425e909d311b722009033102603" // bob's consultation of carol
	confForward  = "a0b1c2d3e909d31192e80090331032ff"
	gatewayMAC   = "00:90:33:ff:ee:01"
)

// TestResolveFixtures correlates recordings with the fixtures' CDRs and
// compares the call information with golden files.
func TestResolveFixtures(t *testing.T) {
	withDir := cdr.Policy{PBXName: "pbx1", Directory: users}
	tests := []struct {
		fixture, name string
		rec           cdr.Recording
		pol           cdr.Policy
		owner         string
		dir           cdr.Direction
	}{
		{"basic-internal", "caller-phone-no-directory", rec(confBasic, "alice"), cdr.Policy{}, "alice", cdr.DirectionInternal},
		{"basic-internal", "callee-phone-directory", rec(confBasic, "bob-phone"), withDir, "bob", cdr.DirectionInternal},
		{"basic-internal", "caller-device-id", rec(confBasic, "IP112-a2-01-01"), withDir, "alice", cdr.DirectionInternal},
		{"basic-internal", "unknown-device", rec(confBasic, "somebody"), withDir, "", ""},
		{"trunk-incoming", "gateway", rec(confTrunkIn, ""), withDir, "bob", cdr.DirectionIn},
		{"trunk-incoming", "gateway-no-directory", rec(confTrunkIn, ""), cdr.Policy{}, "bob", cdr.DirectionIn},
		{"trunk-incoming", "answering-phone", rec(confTrunkIn, "bob-phone"), withDir, "bob", cdr.DirectionIn},
		{"trunk-outgoing", "gateway", rec(confTrunkOut, ""), withDir, "carol", cdr.DirectionOut},
		{"trunk-outgoing", "trunk-registration", rec(confTrunkOut, "sip-trunk"), cdr.Policy{}, "carol", cdr.DirectionOut},
		{"trunk-outgoing", "caller-phone", rec(confTrunkOut, "carol"), withDir, "carol", cdr.DirectionOut},
		{"waiting-queue", "queue-interface", rec(confQueue, "hotline"), withDir, "dave", cdr.DirectionIn},
		{"waiting-queue", "gateway", rec(confQueue, ""), cdr.Policy{}, "dave", cdr.DirectionIn},
		{"waiting-queue", "agent-phone", rec(confQueue, "dave-phone"), withDir, "dave", cdr.DirectionIn},
		{"consult-transfer", "transferred-caller", rec(confTransfer, "alice"), withDir, "alice", cdr.DirectionInternal},
		{"consult-transfer", "transferring-first-leg", rec(confTransfer, "bob-phone"), withDir, "bob", cdr.DirectionInternal},
		{"consult-transfer", "transferring-consultation", rec(confConsult, "bob-phone"), withDir, "bob", cdr.DirectionInternal},
		{"consult-transfer", "consulted", rec(confConsult, "carol-desk"), withDir, "carol", cdr.DirectionInternal},
		{"call-forward", "caller", rec(confForward, "alice"), withDir, "alice", cdr.DirectionInternal},
		{"call-forward", "forward-target", rec(confForward, "carol"), cdr.Policy{}, "carol", cdr.DirectionInternal},
		{"duplicate", "deduplicated", rec(confBasic, "alice"), withDir, "alice", cdr.DirectionInternal},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"/"+tt.name, func(t *testing.T) {
			cdrs := decodeAll(t, readFixture(t, tt.fixture+".xml"))
			info := cdr.Resolve(tt.rec, cdrs, tt.pol)
			assert.Equal(t, cdr.StateAttached, info.State)
			assert.Equal(t, tt.owner, info.Owner)
			assert.Equal(t, tt.dir, info.Direction)

			// The order CDRs arrive in does not matter.
			for range 5 {
				shuffled := slices.Clone(cdrs)
				rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				assert.Equal(t, info, cdr.Resolve(tt.rec, shuffled, tt.pol))
			}
			golden(t, tt.fixture+"."+tt.name+".callinfo.json", info)
		})
	}
}

func rec(conf, regName string) cdr.Recording {
	return cdr.Recording{Conf: conf, MAC: "009033a2b3c4", RegName: regName}
}

// TestResolvePendingThenLate: without a CDR of its conference a recording
// is pending, whatever the time (the recordings service decides when it
// shows NoCDR); a CDR arriving later attaches.
func TestResolvePendingThenLate(t *testing.T) {
	r := rec(confBasic, "bob-phone")
	pol := cdr.Policy{Directory: users}

	info := cdr.Resolve(r, nil, pol)
	assert.Equal(t, cdr.CallInfo{State: cdr.StatePending}, info, "no owner guessed without a CDR")

	other := decodeAll(t, readFixture(t, "trunk-outgoing.xml"))
	info = cdr.Resolve(r, other, pol)
	assert.Equal(t, cdr.CallInfo{State: cdr.StatePending}, info, "CDRs of another conference are ignored")

	cdrs := decodeAll(t, readFixture(t, "basic-internal.xml"))
	info = cdr.Resolve(r, cdrs, pol)
	assert.Equal(t, cdr.StateAttached, info.State, "a late CDR attaches")
	assert.Equal(t, "bob", info.Owner)
	assert.Equal(t, cdr.RuleUser, info.OwnerRule)
	assert.Equal(t, "alice", info.Remote.H323)
	assert.Equal(t, 67*time.Second, info.TalkTime)
}

// TestResolvePBXName checks that a configured PBX name keeps other PBXs'
// CDRs out of ownership, and that without one every PBX counts.
func TestResolvePBXName(t *testing.T) {
	cdrs := decodeAll(t, readFixture(t, "basic-internal.xml"))
	r := rec(confBasic, "alice")

	info := cdr.Resolve(r, cdrs, cdr.Policy{PBXName: "PBX1"})
	assert.Equal(t, "alice", info.Owner, "names compare without regard to case")
	assert.Empty(t, info.Foreign)

	info = cdr.Resolve(r, cdrs, cdr.Policy{})
	assert.Equal(t, "alice", info.Owner, "no PBX name configured: all PBXs are used")

	info = cdr.Resolve(r, cdrs, cdr.Policy{PBXName: "pbx2"})
	assert.Equal(t, cdr.StatePending, info.State)
	assert.Empty(t, info.Owner)
	assert.Equal(t, []cdr.ForeignCDR{{Key: cdrs[0].Key, PBX: "pbx1"}, {Key: cdrs[1].Key, PBX: "pbx1"}}, info.Foreign)

	// One leg from the configured PBX, one from another: only the first counts.
	cdrs[0].PBX = "elsewhere"
	info = cdr.Resolve(r, cdrs, cdr.Policy{PBXName: "pbx1"})
	assert.Equal(t, cdr.StateAttached, info.State)
	assert.Empty(t, info.Owner, "alice's own CDR came from another PBX")
	assert.Equal(t, []cdr.Key{cdrs[1].Key}, info.CDRs)
	assert.Equal(t, []cdr.ForeignCDR{{Key: cdrs[0].Key, PBX: "elsewhere"}}, info.Foreign)
}

func TestResolveDirectoryRules(t *testing.T) {
	cdrs := decodeAll(t, readFixture(t, "basic-internal.xml"))
	tests := []struct {
		name    string
		dir     cdr.UserList
		regName string
		owner   string
		reason  string
	}{
		{"by h323", cdr.UserList{{Name: "Alice"}}, "alice", "Alice", ""},
		{"by CDR device", cdr.UserList{{Name: "a.adams", Devices: []string{"ip112-A2-01-01"}}}, "alice", "a.adams", ""},
		{"by registration name", cdr.UserList{{Name: "a.adams", Devices: []string{"desk-7"}}}, "desk-7", "a.adams", ""},
		{"not in the directory", cdr.UserList{{Name: "zoe"}}, "alice", "", "the owner's CDR names no user of the directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rec(confBasic, tt.regName)
			if tt.regName == "desk-7" {
				cdrs := slices.Clone(cdrs)
				cdrs[0].H323, cdrs[0].Device = "desk-7", ""
				info := cdr.Resolve(r, cdrs, cdr.Policy{Directory: tt.dir})
				assert.Equal(t, tt.owner, info.Owner)
				return
			}
			info := cdr.Resolve(r, cdrs, cdr.Policy{Directory: tt.dir})
			assert.Equal(t, tt.owner, info.Owner)
			assert.Equal(t, tt.reason, info.Reason)
		})
	}
}

func TestResolveByMAC(t *testing.T) {
	cdrs := decodeAll(t, readFixture(t, "basic-internal.xml"))
	cdrs[1].Device = "00-90-33-A2-02-02"
	r := cdr.Recording{Conf: confBasic, MAC: "009033a20202"}
	info := cdr.Resolve(r, cdrs, cdr.Policy{})
	assert.Equal(t, "bob", info.Owner, "a CDR device naming the recording's MAC is the recording device")
}

func TestResolveConfCaseInsensitive(t *testing.T) {
	cdrs := decodeAll(t, readFixture(t, "basic-internal.xml"))
	r := rec("8A6B4C2DE909D31192E80090331032AA", "alice")
	require.Equal(t, "alice", cdr.Resolve(r, cdrs, cdr.Policy{}).Owner)
}
