package deb

import (
	"bytes"
	"os"
	"testing"
)

func BenchmarkParseCopyrightPerl(b *testing.B) {
	data, err := os.ReadFile("testdata/root/usr/share/doc/perl-base/copyright")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		parseCopyright(data)
	}
}

func BenchmarkParseStatus(b *testing.B) {
	data, err := os.ReadFile("testdata/root/var/lib/dpkg/status")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := parseStatus(bytes.NewReader(data), int64(len(data)), func(*dpkgPackage) {}); err != nil {
			b.Fatal(err)
		}
	}
}
