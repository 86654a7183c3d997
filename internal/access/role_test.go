package access

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		ok   bool
	}{
		{"viewer", Viewer, true},
		{"developer", Developer, true},
		{"reviewer", Reviewer, true},
		{"admin", Admin, true},
		{" Admin\n", Admin, true},
		{"REVIEWER", Reviewer, true},
		{"", "", false},
		{"root", "", false},
		{"admins", "", false},
		{"view er", "", false},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseRole(%q) error %v does not wrap ErrInvalid", tt.in, err)
		}
	}
}

func TestRoleOrder(t *testing.T) {
	// want[i][j]: Roles[i].AtLeast(Roles[j]).
	want := [4][4]bool{
		{true, false, false, false},
		{true, true, false, false},
		{true, true, true, false},
		{true, true, true, true},
	}
	for i, r := range Roles {
		for j, min := range Roles {
			if got := r.AtLeast(min); got != want[i][j] {
				t.Errorf("%s.AtLeast(%s) = %v, want %v", r, min, got, want[i][j])
			}
		}
		if Role("").AtLeast(r) || Role("root").AtLeast(r) {
			t.Errorf("an unknown role is at least %s", r)
		}
		if r.AtLeast("") || r.AtLeast("root") {
			t.Errorf("%s is at least an unknown role", r)
		}
	}
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"alice", true},
		{"a", true},
		{"Alice.Smith_2@example.com", true},
		{"x-y", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"alice smith", false},
		{"alice+tag@example.com", false},
		{"élise", false},
		{"a/b", false},
		{"a\x00", false},
	}
	for _, tt := range tests {
		err := ValidName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidName(%q) error %v does not wrap ErrInvalid", tt.name, err)
		}
	}
}

func TestValidPassword(t *testing.T) {
	tests := []struct {
		pw string
		ok bool
	}{
		{"0123456789", true},
		{"012345678", false},
		{"", false},
		{"ääääääääää", true}, // ten characters, twenty bytes
		{"äääää", false},     // ten bytes, five characters
		{strings.Repeat("x", 72), true},
		{strings.Repeat("x", 73), false},
	}
	for _, tt := range tests {
		if err := ValidPassword(tt.pw); (err == nil) != tt.ok {
			t.Errorf("ValidPassword(%q) = %v, want ok %v", tt.pw, err, tt.ok)
		}
	}
}
