package repocheck

import (
	"os"
	"testing"
)

func readTestdata(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"java class", readTestdata(t, "testdata/binaries/Provider.class"), kindClass},
		{"python bytecode", readTestdata(t, "testdata/binaries/main.cpython-311.pyc"), kindPyc},
		{"jar is a zip", readTestdata(t, "testdata/binaries/javax.inject-1.jar"), kindZip},
		{"universal mach-o", []byte("\xca\xfe\xba\xbe\x00\x00\x00\x02\x01\x00\x00\x07"), kindMachO},
		{"mach-o 64", []byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01"), kindMachO},
		{"wasm", []byte("\x00asm\x01\x00\x00\x00"), kindWasm},
		{"static archive", []byte("!<arch>\nfoo.o/          0           0     0     644     4         `\n"), kindAr},
		{"debian package", []byte("!<arch>\ndebian-binary   1342943816  0     0     100644  4         `\n2.0\n"), kindDeb},
		{"old dos executable", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), kindPE},
		{"text starting with MZ", []byte("MZ is a text file"), ""},
		{"shell script", []byte("#!/bin/sh\necho hi\n"), ""},
		{"empty", nil, ""},
	}
	if elf, err := os.ReadFile("/bin/true"); err == nil {
		tests = append(tests, struct {
			name string
			head []byte
			want string
		}{"elf (/bin/true)", elf[:sniffLen], kindELF})
	}
	for _, tt := range tests {
		head := tt.head
		if len(head) > sniffLen {
			head = head[:sniffLen]
		}
		if got := sniff(head); got != tt.want {
			t.Errorf("%s: sniff = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestIsText(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"plain\ttext\r\nlines\n", true},
		{"héllo wörld", true},
		{"nul\x00byte", false},
		{"bell\a", false},
		{"no\u00a0break", false}, // not printable to Go's unicode.IsPrint, as in Scorecard
	}
	for _, tt := range tests {
		if got := isText([]byte(tt.in)); got != tt.want {
			t.Errorf("isText(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
