package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/f0fce437/callrec/cdr"
)

// CDRStore is the cdr.Store of a DB (migration 0002_cdrs): each CDR is kept as
// the exact XML of its <cdr> element, unique by its de-duplication key, and
// every conference GUID of its events is indexed in cdr_confs. Reading parses
// the XML again with cdr.Unmarshal, so the stored text stays the only truth.
// It shares the DB's connections, durability (WAL, synchronous=FULL) and busy
// retries, and is safe for concurrent use.
type CDRStore struct {
	db *DB
}

var _ cdr.Store = (*CDRStore)(nil)

// CDRs returns the CDR store of db.
func (db *DB) CDRs() *CDRStore { return &CDRStore{db: db} }

// PutIfAbsent implements cdr.Store: one write transaction for the batch.
func (s *CDRStore) PutIfAbsent(ctx context.Context, entries []cdr.Entry) ([]bool, error) {
	if len(entries) == 0 {
		return []bool{}, ctx.Err()
	}
	var added []bool
	err := s.db.update(ctx, func(t *sqlTx) error {
		added = make([]bool, len(entries)) // Update may run fn again after a busy database
		for i := range entries {
			c := &entries[i].CDR
			res, err := t.exec(`INSERT INTO cdrs (key, received, pbx, utc, raw) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (key) DO NOTHING`, string(c.Key), nanos(entries[i].Received), c.PBX, c.UTC, c.Raw)
			if err != nil {
				return fmt.Errorf("sqlite: storing CDR: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				continue // already stored: err cannot happen with this driver
			}
			seq, err := res.LastInsertId()
			if err != nil {
				return fmt.Errorf("sqlite: storing CDR: %w", err)
			}
			for _, conf := range c.Confs() {
				if _, err := t.exec(`INSERT INTO cdr_confs (conf, cdr) VALUES (?, ?)`, conf, seq); err != nil {
					return fmt.Errorf("sqlite: indexing CDR: %w", err)
				}
			}
			added[i] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// ByConf implements cdr.Store.
func (s *CDRStore) ByConf(ctx context.Context, conf string) ([]cdr.Entry, error) {
	var out []cdr.Entry
	err := s.db.view(ctx, func(t *sqlTx) error {
		rows, err := t.tx.QueryContext(ctx, `SELECT c.seq, c.raw, c.received FROM cdr_confs f JOIN cdrs c ON c.seq = f.cdr
			WHERE f.conf = lower(?) ORDER BY c.seq`, conf)
		if err != nil {
			return translate(err)
		}
		out, _, err = scanCDRs(rows)
		return err
	})
	return out, err
}

// List implements cdr.Store: newest first; the cursor is the insertion
// sequence number of the last entry of the page.
func (s *CDRStore) List(ctx context.Context, q cdr.ListQuery) (cdr.Page, error) {
	before := int64(1<<63 - 1)
	if q.Cursor != "" {
		n, err := strconv.ParseInt(q.Cursor, 10, 64)
		if err != nil || n <= 0 {
			return cdr.Page{}, fmt.Errorf("sqlite: invalid CDR list cursor %q", q.Cursor)
		}
		before = n
	}
	limit := q.EffectiveLimit()
	var page cdr.Page
	err := s.db.view(ctx, func(t *sqlTx) error {
		rows, err := t.tx.QueryContext(ctx, `SELECT seq, raw, received FROM cdrs WHERE seq < ? ORDER BY seq DESC LIMIT ?`, before, limit+1)
		if err != nil {
			return translate(err)
		}
		entries, seqs, err := scanCDRs(rows)
		if err != nil {
			return err
		}
		if len(entries) > limit {
			entries = entries[:limit]
			page.Next = strconv.FormatInt(seqs[limit-1], 10)
		}
		page.Entries = entries
		return nil
	})
	return page, err
}

// scanCDRs reads (seq, raw, received) rows and closes them.
func scanCDRs(rows *sql.Rows) ([]cdr.Entry, []int64, error) {
	defer rows.Close()
	var entries []cdr.Entry
	var seqs []int64
	for rows.Next() {
		var seq, received int64
		var raw []byte
		if err := rows.Scan(&seq, &raw, &received); err != nil {
			return nil, nil, translate(err)
		}
		c, err := cdr.Unmarshal(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("sqlite: CDR %d: %w", seq, err)
		}
		entries = append(entries, cdr.Entry{CDR: c, Received: time.Unix(0, received).UTC()})
		seqs = append(seqs, seq)
	}
	return entries, seqs, translate(rows.Err())
}
