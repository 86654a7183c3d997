package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"ospo/internal/store"
)

// EcosystemStatus describes what the database holds for one ecosystem.
type EcosystemStatus struct {
	// Ecosystem is the base ecosystem (Debian, not Debian:12); records
	// that name no package are listed under "".
	Ecosystem string
	// Records counts the records, withdrawn ones included.
	Records   int
	Withdrawn int
	// NewestModified is the latest modified time among the records (zero
	// when they all carry none, as the Go repository copies do).
	NewestModified time.Time
	// ImportedAt is the last successful import from any of Sources;
	// CheckedAt the last time an update found its dump unchanged or
	// imported it.
	ImportedAt time.Time
	CheckedAt  time.Time
	// Sources are the dump URLs or paths the records came from.
	Sources []string
}

// Status summarises the database per ecosystem, ordered by name.
func (d *DB) Status(ctx context.Context) ([]EcosystemStatus, error) {
	db := d.st.DB()
	rows, err := db.QueryContext(ctx, `SELECT ecosystem_base, COUNT(*),
			SUM(CASE WHEN withdrawn IS NULL THEN 0 ELSE 1 END), MAX(modified)
		FROM osv_records GROUP BY ecosystem_base ORDER BY ecosystem_base`)
	if err != nil {
		return nil, fmt.Errorf("OSV status: %w", store.MapError(err))
	}
	var out []EcosystemStatus
	index := map[string]int{}
	for rows.Next() {
		var s EcosystemStatus
		var newest anyTime
		if err := rows.Scan(&s.Ecosystem, &s.Records, &s.Withdrawn, &newest); err != nil {
			rows.Close()
			return nil, fmt.Errorf("OSV status: %w", store.MapError(err))
		}
		s.NewestModified = newest.t
		index[s.Ecosystem] = len(out)
		out = append(out, s)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("OSV status: %w", store.MapError(err))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("OSV status: %w", store.MapError(err))
	}

	rows, err = db.QueryContext(ctx, `SELECT DISTINCT r.ecosystem_base, r.source, s.imported_at, s.checked_at
		FROM osv_records r LEFT JOIN osv_sources s ON s.name = r.source
		ORDER BY r.ecosystem_base, r.source`)
	if err != nil {
		return nil, fmt.Errorf("OSV status: %w", store.MapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var eco, src string
		var imported, checked anyTime
		if err := rows.Scan(&eco, &src, &imported, &checked); err != nil {
			return nil, fmt.Errorf("OSV status: %w", store.MapError(err))
		}
		i, ok := index[eco]
		if !ok {
			continue // a record imported between the two queries
		}
		s := &out[i]
		if !slices.Contains(s.Sources, src) {
			s.Sources = append(s.Sources, src)
		}
		if imported.t.After(s.ImportedAt) {
			s.ImportedAt = imported.t
		}
		if checked.t.After(s.CheckedAt) {
			s.CheckedAt = checked.t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("OSV status: %w", store.MapError(err))
	}
	return out, nil
}

// anyTime scans a time that the driver may hand over as time.Time or,
// for SQLite aggregates, as text.
type anyTime struct{ t time.Time }

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
}

func (a *anyTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		a.t = time.Time{}
		return nil
	case time.Time:
		a.t = v.UTC()
		return nil
	case string:
		return a.parse(v)
	case []byte:
		return a.parse(string(v))
	}
	return fmt.Errorf("cannot read %T as a time", v)
}

func (a *anyTime) parse(s string) error {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			a.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("cannot read %q as a time", s)
}

var _ sql.Scanner = (*anyTime)(nil)

// RecordCounts counts the records that can match, by base ecosystem, so
// that scans report ecosystems the database holds nothing for as not
// checked (it makes DB a vuln.Coverage).
func (d *DB) RecordCounts(ctx context.Context) (map[string]int, error) {
	rows, err := d.st.DB().QueryContext(ctx, `SELECT ecosystem_base, COUNT(*) FROM osv_records WHERE withdrawn IS NULL GROUP BY ecosystem_base`)
	if err != nil {
		return nil, fmt.Errorf("count records: %w", store.MapError(err))
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var eco string
		var n int
		if err := rows.Scan(&eco, &n); err != nil {
			return nil, fmt.Errorf("count records: %w", store.MapError(err))
		}
		out[eco] = n
	}
	return out, rows.Err()
}
