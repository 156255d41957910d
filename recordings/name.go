package recordings

import (
	"net/url"
	"strconv"
	"strings"
)

// FileName holds the parts of an innovaphone recording file name:
//
//	<guid>-<mac>-<serial>[-<reg-name>][.pcap]
//	  guid     32 hex digits: the call's conference GUID (the same in its CDRs)
//	  mac      12 hex digits: the MAC address of the recording device
//	  serial   decimal: the device's recording counter
//	  reg-name everything after the third dash, URL-decoded, with one
//	           leading '-' dropped (innovaphone writes a doubled dash);
//	           it may itself contain dashes
//
// Hex digits are accepted in either case and kept in lower case. A name that
// does not follow the grammar is still a valid upload: Valid is false and the
// parts are empty.
type FileName struct {
	Valid   bool
	GUID    string
	MAC     string
	Serial  uint64
	RegName string
}

// maxFileNameLen bounds the length of an upload's name, in bytes.
const maxFileNameLen = 1024

// CheckFileName refuses the names no upload may have: empty, longer than
// 1024 bytes, or holding a path separator, "..", or a NUL, either as sent or
// after URL-decoding. Every other name is accepted, even one that does not
// follow the innovaphone grammar.
func CheckFileName(name string) error {
	if name == "" {
		return Errorf(Invalid, "empty file name")
	}
	if len(name) > maxFileNameLen {
		return Errorf(Invalid, "file name longer than %d bytes", maxFileNameLen)
	}
	forms := []string{name}
	if dec, err := url.PathUnescape(name); err == nil && dec != name {
		forms = append(forms, dec)
	}
	for _, f := range forms {
		if strings.ContainsAny(f, "/\\\x00") || strings.Contains(f, "..") {
			return Errorf(Invalid, "file name %q holds a path separator, \"..\" or NUL", name)
		}
	}
	return nil
}

// ParseFileName splits name (as sent on the wire, still URL-encoded) into
// its parts. It does not check for path traversal; see CheckFileName.
func ParseFileName(name string) FileName {
	if len(name) >= 5 && strings.EqualFold(name[len(name)-5:], ".pcap") {
		name = name[:len(name)-5]
	}
	const guidLen, macLen = 32, 12
	if len(name) < guidLen+1+macLen+2 || name[guidLen] != '-' || name[guidLen+1+macLen] != '-' {
		return FileName{}
	}
	guid, mac := name[:guidLen], name[guidLen+1:guidLen+1+macLen]
	if !isHex(guid) || !isHex(mac) {
		return FileName{}
	}
	rest := name[guidLen+1+macLen+1:]
	digits := rest
	regName := ""
	hasTail := false
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		digits, regName, hasTail = rest[:i], rest[i+1:], true
	}
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return FileName{}
	}
	serial, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return FileName{}
	}
	if hasTail {
		regName = strings.TrimPrefix(regName, "-")
		dec, err := url.PathUnescape(regName)
		if err != nil {
			return FileName{}
		}
		regName = dec
	}
	return FileName{
		Valid:   true,
		GUID:    strings.ToLower(guid),
		MAC:     strings.ToLower(mac),
		Serial:  serial,
		RegName: regName,
	}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
