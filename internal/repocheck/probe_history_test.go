package repocheck

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	R "ospo/internal/repocheck/result"
)

// historyCheck runs one check on a fixture repository.
func historyCheck(t *testing.T, fx *fixture, name string, opts Options) R.Check {
	t.Helper()
	opts.Now = now
	opts.Checks = []string{name}
	r, err := Check(context.Background(), fx.dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := r.Check(name)
	if !ok {
		t.Fatalf("%s did not run", name)
	}
	return c
}

func TestMaintained(t *testing.T) {
	tests := []struct {
		name  string
		days  []int // commit ages, oldest first
		score int
	}{
		// 4 of the commits are within 90 days: Proportional(4, 12) = 3.
		{"four recent commits", []int{200, 100, 50, 20, 10, 5}, 3},
		// 12 commits a week's worth apart earn the top score.
		{"a commit a week", []int{300, 84, 77, 70, 63, 56, 49, 42, 35, 28, 21, 14, 7}, 10},
		// A history that starts 30 days ago is a new project: 0.
		{"created recently", []int{30, 10}, 0},
		{"dormant", []int{400, 380}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t)
			for i, d := range tt.days {
				fx.write("f.txt", strings.Repeat("x", i+1))
				fx.commit(commitSpec{msg: "change", date: daysAgo(d)})
			}
			c := historyCheck(t, fx, checkMaintained, Options{})
			if int(c.Score) != tt.score || c.Exact {
				t.Errorf("score = %v (%s), exact %v; want %d, approximate", c.Score, c.Reason, c.Exact, tt.score)
			}
		})
	}
	t.Run("not a git repository", func(t *testing.T) {
		r, err := Check(context.Background(), t.TempDir(), Options{Now: now, Checks: []string{checkMaintained}})
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := r.Check(checkMaintained); c.Score != R.Inconclusive || !strings.Contains(c.Reason, "not a git repository") {
			t.Errorf("got %v %q, want inconclusive for a missing repository", c.Score, c.Reason)
		}
	})
}

func TestContributors(t *testing.T) {
	fx := newFixture(t)
	authors := []struct {
		w       who
		commits int
	}{
		{who{"Alice", "alice@alpha.io"}, 5},
		{who{"Erin", "erin@dev.alpha.io"}, 5}, // same organisation as Alice
		{who{"Bob", "bob@mail.beta.co.uk"}, 5},
		{who{"Carol", "carol@gmail.com"}, 6},                // free mail says nothing
		{who{"Dave", "dave@gamma.dev"}, 4},                  // below five commits
		{who{"dependabot[bot]", "bot@gamma.dev"}, 9},        // bots do not count
		{who{"Frank", "frank@users.noreply.github.com"}, 7}, // no domain of an employer
	}
	day := 300
	for _, a := range authors {
		for i := 0; i < a.commits; i++ {
			day--
			fx.write("f.txt", a.w.email+strings.Repeat("!", i))
			fx.commit(commitSpec{msg: "work", author: a.w, date: daysAgo(day)})
		}
	}
	tests := []struct {
		name  string
		orgs  map[string]string
		score int
		found []string
	}{
		// alpha.io and beta.co.uk: Proportional(2, 3) = 6.
		{"by domain", nil, 6, []string{"alpha.io", "beta.co.uk"}},
		// The mapping puts both domains in one organisation: 3.
		{"mapped to one organisation", map[string]string{"alpha.io": "Alpha", "beta.co.uk": "Alpha"}, 3, []string{"Alpha"}},
		// An empty organisation ignores a domain.
		{"domain ignored", map[string]string{"beta.co.uk": ""}, 3, []string{"alpha.io"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := historyCheck(t, fx, checkContributors, Options{ContributorOrgs: tt.orgs})
			if int(c.Score) != tt.score {
				t.Errorf("score = %v (%s), want %d", c.Score, c.Reason, tt.score)
			}
			var found []string
			for _, f := range c.Findings {
				if f.Outcome == R.True {
					org, _, _ := strings.Cut(strings.TrimPrefix(f.Message, "contributor organisation "), " (")
					found = append(found, org)
				}
			}
			if diff := cmp.Diff(tt.found, found); diff != "" {
				t.Errorf("organisations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCodeReview(t *testing.T) {
	fx := newFixture(t)
	alice := who{"Alice", "alice@alpha.io"}
	carol := who{"Carol", "carol@gamma.dev"}
	dave := who{"Dave", "dave@delta.dev"}
	github := who{"GitHub", "noreply@github.com"}
	step := 0
	next := func() time.Time { step++; return daysAgo(100 - step) }
	change := func(name string) { fx.write(name, name+time.Duration(step).String()) }

	change("a")
	fx.commit(commitSpec{msg: "direct push", author: alice, date: next()}) // not reviewed
	change("b")
	fx.commit(commitSpec{msg: "reviewed change\n\nReviewed-by: Bob <bob@beta.co.uk>", author: alice, date: next()}) // trailer
	change("c")
	fx.commit(commitSpec{msg: "squashed (#12)", author: alice, committer: github, date: next()}) // forge squash

	fx.git(nil, "checkout", "-q", "-b", "feature")
	change("d")
	fx.commit(commitSpec{msg: "feature work", author: carol, date: next()})
	fx.git(nil, "checkout", "-q", "main")
	d := next().Format(time.RFC3339)
	fx.git([]string{"GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@alpha.io", "GIT_AUTHOR_DATE=" + d,
		"GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@alpha.io", "GIT_COMMITTER_DATE=" + d},
		"merge", "-q", "--no-ff", "-m", "Merge pull request #7 from carol/feature", "feature") // a pull request

	fx.git(nil, "checkout", "-q", "-b", "self")
	change("e")
	fx.commit(commitSpec{msg: "my own work", author: dave, date: next()})
	fx.git(nil, "checkout", "-q", "main")
	d = next().Format(time.RFC3339)
	fx.git([]string{"GIT_AUTHOR_NAME=Dave", "GIT_AUTHOR_EMAIL=dave@delta.dev", "GIT_AUTHOR_DATE=" + d,
		"GIT_COMMITTER_NAME=Dave", "GIT_COMMITTER_EMAIL=dave@delta.dev", "GIT_COMMITTER_DATE=" + d},
		"merge", "-q", "--no-ff", "-m", "Merge branch 'self'", "self") // merged by its author

	change("f")
	fx.commit(commitSpec{msg: "Bump x from 1 to 2", author: who{"dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"}, date: next()})

	c := historyCheck(t, fx, checkCodeReview, Options{})
	// Changesets on the main line, newest first: the bot's (left out),
	// Dave's self-merge (no), the pull request (yes), the squash (yes),
	// the trailer (yes), the direct push (no): Proportional(3, 5) = 6.
	if c.Score != 6 {
		t.Errorf("score = %v (%s), want 6", c.Score, c.Reason)
	}
	var got []string
	for _, f := range c.Findings {
		got = append(got, string(f.Outcome)+" "+f.Message[:strings.Index(f.Message, ":")])
	}
	want := []string{
		"NotApplicable changeset by a bot",
		"False no review evidence",
		"True reviewed (merged pull request)",
		"True reviewed (squashed or rebased through the forge)",
		"True reviewed (Reviewed-by Bob <bob@beta.co.uk>)",
		"False no review evidence",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changesets (-want +got):\n%s", diff)
	}
}

func TestSignedReleases(t *testing.T) {
	fx := newFixture(t)
	// tag runs git [config…] tag args… dated days ago.
	tag := func(days int, config []string, args ...string) {
		d := daysAgo(days).Format(time.RFC3339)
		fx.git([]string{"GIT_COMMITTER_DATE=" + d, "GIT_AUTHOR_DATE=" + d}, append(append(config, "tag"), args...)...)
	}
	fx.write("a", "1")
	fx.commit(commitSpec{msg: "one", date: daysAgo(60)})
	tag(60, nil, "v1.0.0") // lightweight
	fx.write("a", "2")
	fx.commit(commitSpec{msg: "two", date: daysAgo(50)})
	tag(50, nil, "-a", "-m", "release 1.1.0", "v1.1.0") // annotated, unsigned

	t.Run("unsigned", func(t *testing.T) {
		fx.t = t
		// Two tags, neither signed: 0.
		if c := historyCheck(t, fx, checkSignedReleases, Options{}); c.Score != 0 {
			t.Errorf("score = %v (%s), want 0", c.Score, c.Reason)
		}
	})
	t.Run("ssh signed", func(t *testing.T) {
		if _, err := exec.LookPath("ssh-keygen"); err != nil {
			t.Skip("ssh-keygen is not installed: no key to sign a tag with")
		}
		key := filepath.Join(t.TempDir(), "key")
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key).CombinedOutput(); err != nil {
			t.Skipf("ssh-keygen cannot make a key: %v %s", err, out)
		}
		fx.write("a", "3")
		fx.commit(commitSpec{msg: "three", date: daysAgo(40)})
		fx.t = t
		tag(40, []string{"-c", "gpg.format=ssh", "-c", "user.signingkey=" + key}, "-s", "-m", "release 1.2.0", "v1.2.0")
		c := historyCheck(t, fx, checkSignedReleases, Options{})
		// Three tags, one signed: ⌊(8 + 0 + 0) / 3⌋ = 2.
		if c.Score != 2 {
			t.Errorf("score = %v (%s), want 2", c.Score, c.Reason)
		}
	})
	t.Run("no tags", func(t *testing.T) {
		bare := newFixture(t)
		bare.commit(commitSpec{msg: "only"})
		if c := historyCheck(t, bare, checkSignedReleases, Options{}); c.Score != R.Inconclusive {
			t.Errorf("score = %v, want inconclusive", c.Score)
		}
	})
}

func TestDependencyUpdateBotHistory(t *testing.T) {
	fx := newFixture(t)
	fx.write("go.mod", "module x\n")
	fx.commit(commitSpec{msg: "Bump golang.org/x/text", author: who{"dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"}})
	// No configuration file, but the bot's commits: 10.
	if c := historyCheck(t, fx, checkDependencyUpdateTool, Options{}); c.Score != 10 {
		t.Errorf("score = %v (%s), want 10", c.Score, c.Reason)
	}
}
