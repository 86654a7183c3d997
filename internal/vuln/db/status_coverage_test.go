package db

import (
	"context"
	"testing"

	"ospo/internal/vuln"
)

var _ vuln.Coverage = (*DB)(nil)

func TestRecordCounts(t *testing.T) {
	d := newTestDB(t)
	if _, err := d.Import(context.Background(), "testdata", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	n, err := d.RecordCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n["Go"] == 0 || n["npm"]+n["Maven"]+n["PyPI"] == 0 || n["crates.io"] != 0 {
		t.Errorf("counts %v", n)
	}
}
