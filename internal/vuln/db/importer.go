package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"ospo/internal/store"
	"ospo/internal/vuln/osv"
)

// Decoding records (JSON parsing, checks, hashing) runs on worker
// goroutines while the source is read and the database written on the
// importer's; results are written strictly in source order, so an import
// does the same whatever the parallelism. The queue between them is
// bounded in entries and bytes.
const (
	maxQueued      = 256
	maxQueuedBytes = 64 << 20
)

// importer writes records inside one transaction.
type importer struct {
	d     *DB
	tx    *sql.Tx
	si    sourceInfo
	now   time.Time
	stats ImportStats
	n     int

	existing, upsert, delAffected, insAffected *sql.Stmt

	jobs    chan *job
	queue   []*job
	queued  int
	workers sync.WaitGroup
	stopped atomic.Bool
}

// job is one entry of the source on its way to the database.
type job struct {
	where string
	data  []byte
	done  chan struct{} // closed when p is set

	// Entries that are problems before any decoding.
	problem string
	counted bool // a rejected record (counted, and the hook runs), not just a problem

	p decoded
}

// decoded is a record ready to write.
type decoded struct {
	rec  *osv.Record
	js   []byte
	slim []byte
	hash []byte
	keys []pkgKey
	err  error
}

// slimJSON is the record without the parts matching and reports never
// read: the details text and the per-ecosystem data (the Go database's
// symbol lists are most of its records), keeping only a database's own
// severity rating.
func slimJSON(rec *osv.Record) ([]byte, error) {
	s := *rec
	s.Details = ""
	s.DatabaseSpecific = severityOnly(rec.DatabaseSpecific)
	s.Affected = make([]osv.Affected, len(rec.Affected))
	for i, a := range rec.Affected {
		a.EcosystemSpecific = nil
		a.DatabaseSpecific = severityOnly(a.DatabaseSpecific)
		s.Affected[i] = a
	}
	var refs []osv.Reference
	for _, r := range rec.References {
		if r.Type == "ADVISORY" || r.Type == "WEB" {
			refs = append(refs, r)
			break
		}
	}
	s.References = refs
	return json.Marshal(&s)
}

func severityOnly(m map[string]any) map[string]any {
	if v, ok := m["severity"]; ok {
		return map[string]any{"severity": v}
	}
	return nil
}

func decode(data []byte) decoded {
	rec, js, err := decodeRecord(data)
	if err != nil {
		return decoded{err: err}
	}
	keys := affectedKeys(rec)
	if err := checkText(rec, keys); err != nil {
		return decoded{err: err}
	}
	slim, err := slimJSON(rec)
	if err != nil {
		return decoded{err: err}
	}
	return decoded{rec: rec, js: js, slim: slim, hash: contentHash(js), keys: keys}
}

var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

func (d *DB) begin(ctx context.Context, si sourceInfo) (*importer, error) {
	tx, err := d.st.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("import: %w", store.MapError(err))
	}
	im := &importer{d: d, tx: tx, si: si, now: d.now().UTC().Truncate(time.Microsecond)}
	prepare := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, d.st.Rebind(q))
		return st
	}
	im.existing = prepare(`SELECT modified, content_hash FROM osv_records WHERE id = ?`)
	im.upsert = prepare(`INSERT INTO osv_records (id, ecosystem_base, modified, withdrawn, imported_at, source, content_hash, json, match_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET ecosystem_base = excluded.ecosystem_base, modified = excluded.modified,
			withdrawn = excluded.withdrawn, imported_at = excluded.imported_at, source = excluded.source,
			content_hash = excluded.content_hash, json = excluded.json, match_json = excluded.match_json`)
	im.delAffected = prepare(`DELETE FROM osv_affected WHERE record_id = ?`)
	im.insAffected = prepare(`INSERT INTO osv_affected (record_id, ecosystem, ecosystem_base, name) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`)
	if err != nil {
		im.closeStmts()
		_ = tx.Rollback()
		return nil, fmt.Errorf("import: %w", store.MapError(err))
	}
	im.jobs = make(chan *job, maxQueued)
	for range max(1, min(runtime.GOMAXPROCS(0), 4)) {
		im.workers.Add(1)
		go func() {
			defer im.workers.Done()
			for j := range im.jobs {
				if !im.stopped.Load() {
					j.p = decode(j.data)
				}
				close(j.done)
			}
		}()
	}
	return im, nil
}

// stop ends the workers; queued jobs are dropped.
func (im *importer) stop() {
	if im.jobs == nil {
		return
	}
	im.stopped.Store(true)
	close(im.jobs)
	im.workers.Wait()
	im.jobs = nil
}

func (im *importer) closeStmts() {
	for _, st := range []*sql.Stmt{im.existing, im.upsert, im.delAffected, im.insAffected} {
		if st != nil {
			st.Close()
		}
	}
}

// abort rolls the import back.
func (im *importer) abort() {
	im.stop()
	im.closeStmts()
	_ = im.tx.Rollback()
}

// finish writes what is queued, records the source and commits.
func (im *importer) finish(ctx context.Context) error {
	for len(im.queue) > 0 {
		if err := im.writeOldest(ctx); err != nil {
			return err
		}
	}
	im.stop()
	im.closeStmts()
	accepted := im.stats.Added + im.stats.Updated + im.stats.Unchanged
	_, err := im.tx.ExecContext(ctx, im.d.st.Rebind(`INSERT INTO osv_sources
		(name, location, etag, last_modified, crc32c, imported_at, checked_at, records)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET location = excluded.location, etag = excluded.etag,
			last_modified = excluded.last_modified, crc32c = excluded.crc32c,
			imported_at = excluded.imported_at, checked_at = excluded.checked_at, records = excluded.records`),
		im.si.name, im.si.location, im.si.etag, im.si.lastModified, im.si.crc, im.now, im.now, accepted)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return im.tx.Commit()
}

// add queues one record's bytes; where names it in problems. Only errors
// that must end the import (database, context) are returned.
func (im *importer) add(ctx context.Context, where string, data []byte) error {
	j := &job{where: where, data: data, done: make(chan struct{})}
	if err := im.enqueue(ctx, j); err != nil {
		return err
	}
	im.jobs <- j // never blocks: the channel holds as many jobs as the queue
	return nil
}

// reject queues a record that could not even be read.
func (im *importer) reject(ctx context.Context, where, msg string) error {
	return im.enqueue(ctx, &job{where: where, problem: msg, counted: true, done: closedChan})
}

// problem queues an entry that is not a record at all (a symbolic link,
// a nested archive); it is not counted as a rejected record.
func (im *importer) problem(ctx context.Context, where, msg string) error {
	return im.enqueue(ctx, &job{where: where, problem: msg, done: closedChan})
}

func (im *importer) enqueue(ctx context.Context, j *job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for len(im.queue) > 0 && (len(im.queue) >= maxQueued || im.queued+len(j.data) > maxQueuedBytes || isDone(im.queue[0])) {
		if err := im.writeOldest(ctx); err != nil {
			return err
		}
	}
	im.queue = append(im.queue, j)
	im.queued += len(j.data)
	return nil
}

func isDone(j *job) bool {
	select {
	case <-j.done:
		return true
	default:
		return false
	}
}

func (im *importer) writeOldest(ctx context.Context) error {
	j := im.queue[0]
	select {
	case <-j.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	im.queue[0] = nil
	im.queue = im.queue[1:]
	im.queued -= len(j.data)
	return im.write(ctx, j)
}

func (im *importer) hook() error {
	im.n++
	if im.d.afterRecord != nil {
		return im.d.afterRecord(im.n)
	}
	return nil
}

// write stores one decoded record, or notes its problem.
func (im *importer) write(ctx context.Context, j *job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if j.problem != "" || j.p.err != nil {
		msg := j.problem
		if j.p.err != nil {
			msg = j.p.err.Error()
		}
		im.stats.Problems = append(im.stats.Problems, Problem{Path: j.where, Message: msg})
		if j.problem != "" && !j.counted {
			return nil
		}
		im.stats.Rejected++
		return im.hook()
	}
	rec, keys := j.p.rec, j.p.keys
	base := ""
	if len(keys) > 0 {
		base = keys[0].base
	}
	modified := rec.Modified.UTC().Truncate(time.Microsecond)
	var withdrawn any
	if rec.Withdrawn != nil {
		withdrawn = rec.Withdrawn.UTC().Truncate(time.Microsecond)
		im.stats.Withdrawn++
	}

	var storedModified time.Time
	var storedHash []byte
	err := im.existing.QueryRowContext(ctx, rec.ID).Scan(&storedModified, &storedHash)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if exists {
		var newer bool
		if modified.IsZero() || storedModified.IsZero() {
			newer = !bytes.Equal(j.p.hash, storedHash)
		} else {
			newer = modified.After(storedModified)
		}
		if !newer {
			im.stats.Unchanged++
			return im.hook()
		}
	}
	if _, err := im.upsert.ExecContext(ctx, rec.ID, base, modified, withdrawn, im.now, im.si.name, j.p.hash, j.p.js, j.p.slim); err != nil {
		return err
	}
	if exists {
		if _, err := im.delAffected.ExecContext(ctx, rec.ID); err != nil {
			return err
		}
		im.stats.Updated++
	} else {
		im.stats.Added++
	}
	for _, k := range keys {
		if _, err := im.insAffected.ExecContext(ctx, rec.ID, k.eco, k.base, k.name); err != nil {
			return err
		}
	}
	return im.hook()
}
