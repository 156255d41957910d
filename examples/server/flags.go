package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// Config is what the flags say.
type Config struct {
	Listen         string
	Data           string
	Base           string
	Users          string
	WebDAVUser     string
	WebDAVPassword string
	CDRUser        string
	CDRPassword    string
	Licenses       int
	AppPassword    string
	TLSCert        string
	TLSKey         string
	// TLSProxy says a reverse proxy in front terminates TLS: the apps are
	// reached over HTTPS although the server speaks plain HTTP.
	TLSProxy       bool
	FrameAncestors string
	MaxUpload      int64
	CDRWait        time.Duration
	// AdminPassword is the first admin's password on first start, from
	// CALLREC_ADMIN_PASSWORD (no flag: it would show in ps); empty: a
	// random one written to <data>/initial-admin-password.
	AdminPassword string

	// set holds the flags given on the command line or in the
	// environment: only those seed settings.
	set map[string]bool
	// usersDefault: -users was not given, so the users file may be created.
	usersDefault bool
}

// envName is the environment variable of a flag: CALLREC_ and the flag's
// name in upper case with dashes as underscores.
func envName(flagName string) string {
	return "CALLREC_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags reads args, with each flag's environment variable (looked up
// with env) as its default.
func parseFlags(args []string, env func(string) (string, bool), usage io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.StringVar(&c.Listen, "listen", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&c.Data, "data", "./callrec-data", "directory of the database, the recordings and the secrets")
	fs.StringVar(&c.Base, "base", "/recordings", "public path prefix of what the PBX and the phones reach, e.g. /company.com/recordings")
	fs.StringVar(&c.Users, "users", "", "users file (default <data>/users.json, created on first start)")
	fs.StringVar(&c.WebDAVUser, "webdav-user", "", "user name of the phones' Record-to URL (seeds the setting)")
	fs.StringVar(&c.WebDAVPassword, "webdav-password", "", "password of the phones' Record-to URL (seeds the setting)")
	fs.StringVar(&c.CDRUser, "cdr-user", "", "user name of the PBX's CDR interface")
	fs.StringVar(&c.CDRPassword, "cdr-password", "", "password of the PBX's CDR interface")
	fs.IntVar(&c.Licenses, "licenses", 0, "licences allocated to the recordings object (seeds the setting)")
	fs.StringVar(&c.AppPassword, "app-password", "", "password of the innovaphone App objects (AppLogin)")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "TLS certificate file (PEM); serve HTTPS")
	fs.StringVar(&c.TLSKey, "tls-key", "", "TLS key file (PEM)")
	fs.BoolVar(&c.TLSProxy, "tls-proxy", false, "a reverse proxy in front terminates TLS: the apps are reached over HTTPS (Secure cookies)")
	fs.StringVar(&c.FrameAncestors, "frame-ancestors", "'self'", "CSP frame-ancestors: who may show the apps in a frame (myApps)")
	fs.Int64Var(&c.MaxUpload, "max-upload", 2<<30, "largest upload accepted, in bytes")
	fs.DurationVar(&c.CDRWait, "cdr-wait", 10*time.Minute, "how long a recording waits for its CDR before it shows NoCDR")

	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := env(envName(f.Name)); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s: %w", envName(f.Name), err)
			}
		}
	})
	if envErr != nil {
		return c, envErr
	}
	c.AdminPassword, _ = env("CALLREC_ADMIN_PASSWORD")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.set = make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = true })
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	return c, c.check()
}

func (c *Config) check() error {
	var errs []error
	b := c.Base
	if b == "/" {
		b = ""
	}
	if b != "" && (!strings.HasPrefix(b, "/") || strings.HasSuffix(b, "/") || strings.Contains(b, "//") ||
		strings.ContainsAny(b, " ?#%{}") || strings.Contains(b, "/../") || strings.HasSuffix(b, "/..")) {
		errs = append(errs, fmt.Errorf("-base %q: want a path like /recordings (leading slash, no trailing slash)", c.Base))
	}
	if b == "/api" || strings.HasPrefix(b, "/api/") {
		errs = append(errs, fmt.Errorf("-base %q: /api is the REST API's", c.Base))
	}
	c.Base = b
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("-tls-cert and -tls-key go together"))
	}
	if (c.CDRUser == "") != (c.CDRPassword == "") {
		errs = append(errs, errors.New("-cdr-user and -cdr-password go together"))
	}
	if c.Licenses < 0 {
		errs = append(errs, errors.New("-licenses must not be negative"))
	}
	if c.MaxUpload <= 0 {
		errs = append(errs, errors.New("-max-upload must be positive"))
	}
	if c.CDRWait <= 0 {
		errs = append(errs, errors.New("-cdr-wait must be positive"))
	}
	if c.Data == "" {
		errs = append(errs, errors.New("-data must not be empty"))
	}
	if c.Users == "" {
		c.Users, c.usersDefault = filepath.Join(c.Data, "users.json"), true
	}
	return errors.Join(errs...)
}

// https reports whether browsers reach the apps over HTTPS: the server
// serves TLS itself, or a proxy in front does.
func (c *Config) https() bool { return c.TLSCert != "" || c.TLSProxy }

// framedByOthers reports whether -frame-ancestors lets any origin but the
// apps' own frame them (a source other than 'self' and 'none'), as myApps
// on the PBX does.
func (c *Config) framedByOthers() bool {
	for _, src := range strings.Fields(c.FrameAncestors) {
		switch strings.ToLower(src) {
		case "'self'", "'none'":
		default:
			return true
		}
	}
	return false
}
