package recordings

import (
	"context"
	"fmt"
	"time"
)

// SweepRetention deletes the recordings older than the retention setting
// (by Start; 0 days keeps everything) and the ones the licence engine says
// are due, never protected ones, each deletion audited. It runs
// periodically and on demand; it returns how many recordings it deleted.
func (s *Service) SweepRetention(ctx context.Context) (int, error) {
	deleted := 0
	n, err := s.applyLicenseDue(ctx)
	deleted += n
	if err != nil {
		return deleted, err
	}
	set, err := s.loadSettings(ctx)
	if err != nil {
		return deleted, err
	}
	if set.RetentionDays == 0 {
		return deleted, nil
	}
	cutoff := s.clock.Now().Add(-time.Duration(set.RetentionDays) * 24 * time.Hour)
	unprotected := false
	q := Query{To: cutoff, Protected: &unprotected, Limit: 100}
	err = s.eachPage(ctx, q, "sweeping old recordings", func(recs []*Recording) error {
		for _, r := range recs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if r.Status == StatusReceiving {
				continue
			}
			detail := fmt.Sprintf("older than %d days", set.RetentionDays)
			err := s.deleteRecording(ctx, SystemActor(), r.ID, ActionRetentionDelete, detail)
			switch ErrorCode(err) {
			case "":
				deleted++
			case NotFound, Protected, Conflict: // changed meanwhile
			default:
				return err
			}
		}
		return nil
	})
	return deleted, err
}
