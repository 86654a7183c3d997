package secret

import "testing"

// TestRedactURLs: passwords hidden, an http(s) user name alone hidden
// (forges take tokens there), an ssh user name kept, and @ after a host
// left alone.
func TestRedactURLs(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:TOKEN@git.example.org/team/app.git": "https://user:xxxxx@git.example.org/team/app.git",
		"https://ghp_abc123@github.com/org/repo":          "https://xxxxx@github.com/org/repo",
		"HTTP://U:P@h/":                                   "HTTP://U:xxxxx@h/",
		"git+https://u:p@h/r":                             "git+https://u:xxxxx@h/r",
		"ssh://git:secret@host/r.git":                     "ssh://git:xxxxx@host/r.git",
		"https://user:p@ss@host/r":                        "https://user:xxxxx@host/r",
		// A user name alone is no secret outside http(s).
		"ssh://git@host/r.git":   "ssh://git@host/r.git",
		"git@github.com:o/r.git": "git@github.com:o/r.git",
		// An @ after the host is not user information.
		"https://host/pkg@v1.2.3": "https://host/pkg@v1.2.3",
		"/srv/code/app":           "/srv/code/app",
		"mailto:a@b.example":      "mailto:a@b.example",
		"":                        "",
		"git clone https://u:tok@h/r.git: exit status 128: fatal: Authentication failed for 'https://u:tok@h/r.git/'": "git clone https://u:xxxxx@h/r.git: exit status 128: fatal: Authentication failed for 'https://u:xxxxx@h/r.git/'",
		`source: "" → "https://bot:tok@h/r.git"`:  `source: "" → "https://bot:xxxxx@h/r.git"`,
		"clone https://u:p@w@h/r: 'https://h/r/'": "clone https://u:xxxxx@h/r: 'https://h/r/'",
	} {
		if got := RedactURLs(in); got != want {
			t.Errorf("RedactURLs(%q) = %q, want %q", in, got, want)
		}
	}
}
