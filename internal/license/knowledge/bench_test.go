package knowledge

import (
	"encoding/json"
	"testing"
)

// BenchmarkIndex is the start-up cost of the table: indexing the embedded
// file without decoding it.
func BenchmarkIndex(b *testing.B) {
	for b.Loop() {
		if t := index(data); len(t.licenses) == 0 {
			b.Fatal("empty table")
		}
	}
}

// BenchmarkDecodeAll is what decoding the whole file would cost, the
// reason the table is indexed instead.
func BenchmarkDecodeAll(b *testing.B) {
	for b.Loop() {
		var all []Info
		for _, l := range index(data).licenses {
			var in Info
			if err := json.Unmarshal(l, &in); err != nil {
				b.Fatal(err)
			}
			all = append(all, in)
		}
	}
}

func BenchmarkLookupCached(b *testing.B) {
	Lookup("GPL-2.0-or-later")
	for b.Loop() {
		if _, ok := Lookup("GPL-2.0-or-later"); !ok {
			b.Fatal("not found")
		}
	}
}
