package db

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"ospo/internal/store"
	"ospo/internal/vuln/osv"
)

// lookupBatch bounds the names of one query, well under the bound-
// parameter limits of SQLite (32766) and PostgreSQL (65535).
const lookupBatch = 500

// Lookup returns the records that name the package in the ecosystem
// (without suffix: "Debian", not "Debian:12"), each once, ordered by ID.
// Withdrawn records are never returned. Whether the package's version is
// affected is for the caller to decide. Records come without what
// matching and reports never read (details, ecosystem-specific data such
// as the Go database's symbol lists); the record as published stays in
// the database.
func (d *DB) Lookup(ctx context.Context, ecosystemBase, name string) ([]*osv.Record, error) {
	m, err := d.LookupMany(ctx, ecosystemBase, []string{name})
	if err != nil {
		return nil, err
	}
	return m[name], nil
}

// LookupMany is Lookup for many packages of one ecosystem in a few
// queries. The map is keyed by the names as given; names without records
// are absent. A record naming several of the packages is decoded once and
// shared between their entries, so callers must not modify records.
func (d *DB) LookupMany(ctx context.Context, ecosystemBase string, names []string) (map[string][]*osv.Record, error) {
	base := CanonicalEcosystem(ecosystemBase)
	// Several given names may normalise to one stored name (PyYAML, pyyaml).
	given := map[string][]string{}
	var stored []string
	for _, n := range names {
		k := NormalizeName(base, n)
		if _, ok := given[k]; !ok {
			stored = append(stored, k)
		}
		if !slices.Contains(given[k], n) {
			given[k] = append(given[k], n)
		}
	}
	out := map[string][]*osv.Record{}
	decoded := map[string]*osv.Record{}
	for len(stored) > 0 {
		batch := stored[:min(lookupBatch, len(stored))]
		stored = stored[len(batch):]
		if err := d.lookupBatch(ctx, base, batch, given, decoded, out); err != nil {
			return nil, err
		}
	}
	for _, recs := range out {
		slices.SortFunc(recs, func(a, b *osv.Record) int { return strings.Compare(a.ID, b.ID) })
	}
	return out, nil
}

// decodeAll decodes the stored records in parallel: decoding is most of a
// lookup's time.
func decodeAll(raw map[string][]byte, decoded map[string]*osv.Record) error {
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	recs := make([]*osv.Record, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(len(ids)/16, 1))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ids); i += workers {
				rec := new(osv.Record)
				if err := json.Unmarshal(raw[ids[i]], rec); err != nil {
					errs[i] = fmt.Errorf("stored record %s: %w", ids[i], err)
					continue
				}
				recs[i] = rec
			}
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if errs[i] != nil {
			return errs[i]
		}
		decoded[id] = recs[i]
	}
	return nil
}

func (d *DB) lookupBatch(ctx context.Context, base string, batch []string, given map[string][]string,
	decoded map[string]*osv.Record, out map[string][]*osv.Record) error {
	q := `SELECT m.name, r.id, r.match_json
		FROM (SELECT DISTINCT name, record_id FROM osv_affected
			WHERE ecosystem_base = ? AND name IN (?` + strings.Repeat(", ?", len(batch)-1) + `)) m
		JOIN osv_records r ON r.id = m.record_id
		WHERE r.withdrawn IS NULL`
	args := make([]any, 0, len(batch)+1)
	args = append(args, base)
	for _, n := range batch {
		args = append(args, n)
	}
	rows, err := d.st.DB().QueryContext(ctx, d.st.Rebind(q), args...)
	if err != nil {
		return fmt.Errorf("look up %s packages: %w", base, store.MapError(err))
	}
	defer rows.Close()
	type hit struct{ name, id string }
	var hits []hit
	raw := map[string][]byte{}
	for rows.Next() {
		var name, id string
		var js []byte
		if err := rows.Scan(&name, &id, &js); err != nil {
			return fmt.Errorf("look up %s packages: %w", base, store.MapError(err))
		}
		hits = append(hits, hit{name, id})
		if _, ok := decoded[id]; !ok {
			raw[id] = js
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up %s packages: %w", base, store.MapError(err))
	}
	if err := decodeAll(raw, decoded); err != nil {
		return fmt.Errorf("look up %s packages: %w", base, err)
	}
	for _, h := range hits {
		for _, n := range given[h.name] {
			out[n] = append(out[n], decoded[h.id])
		}
	}
	return nil
}
