package repocheck

import (
	"bytes"
	"context"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// fuzzSpec is how a language's fuzz targets are recognised: Scorecard's
// file patterns and the pattern of the code that marks a target.
type fuzzSpec struct {
	lang    string
	tool    string
	match   func(p string) bool
	pattern *regexp.Regexp
	// quick is a plain string every match contains, to skip files fast.
	quick string
}

var fastCheckRE = regexp.MustCompile(`(from\s+['"](fast-check|@fast-check/(ava|jest|vitest))['"]|` +
	`require\(\s*['"](fast-check|@fast-check/(ava|jest|vitest))['"]\s*\))`)

var fuzzSpecs = []fuzzSpec{
	{"go", "GoBuiltInFuzzer", func(p string) bool { return strings.HasSuffix(p, "_test.go") },
		regexp.MustCompile(`func\s+Fuzz\w+\s*\(\w+\s+\*testing.F\)`), "testing.F"},
	{"haskell", "HaskellPropertyBasedTesting", extIn("hs", "lhs"),
		regexp.MustCompile(`import\s+(qualified\s+)?Test\.((Hspec|Tasty)\.)?(QuickCheck|Hedgehog|Validity|SmallCheck)`), "import"},
	{"javascript", "JavaScriptPropertyBasedTesting", extIn("js"), fastCheckRE, "fast-check"},
	{"typescript", "TypeScriptPropertyBasedTesting", extIn("ts"), fastCheckRE, "fast-check"},
	{"python", "PythonAtherisFuzzer", extIn("py"), regexp.MustCompile(`import atheris`), "atheris"},
	{"c", "CLibFuzzer", extIn("c"), regexp.MustCompile(`LLVMFuzzerTestOneInput`), "LLVMFuzzerTestOneInput"},
	{"cpp", "CppLibFuzzer", extIn("cc", "cpp"), regexp.MustCompile(`LLVMFuzzerTestOneInput`), "LLVMFuzzerTestOneInput"},
	{"rust", "RustCargoFuzzer", extIn("rs"), regexp.MustCompile(`libfuzzer_sys`), "libfuzzer_sys"},
	{"java", "JavaJazzerFuzzer", extIn("java"),
		regexp.MustCompile(`com.code_intelligence.jazzer.api.FuzzedDataProvider;`), "jazzer"},
	{"swift", "SwiftLibFuzzer", extIn("swift"), regexp.MustCompile(`LLVMFuzzerTestOneInput`), "LLVMFuzzerTestOneInput"},
}

func extIn(exts ...string) func(string) bool {
	return func(p string) bool {
		e := extOf(p)
		for _, x := range exts {
			if e == x {
				return true
			}
		}
		return false
	}
}

// languageExts maps extensions to the languages whose share of the code
// decides, as GitHub's language statistics do for Scorecard, which
// languages are searched for fuzz targets.
var languageExts = map[string]string{
	"go": "go", "hs": "haskell", "lhs": "haskell", "js": "javascript", "mjs": "javascript", "cjs": "javascript",
	"jsx": "javascript", "ts": "typescript", "tsx": "typescript", "py": "python", "c": "c", "h": "c",
	"cc": "cpp", "cpp": "cpp", "cxx": "cpp", "hpp": "cpp", "hh": "cpp", "rs": "rust", "java": "java",
	"swift": "swift", "rb": "ruby", "php": "php", "cs": "csharp", "kt": "kotlin", "scala": "scala",
	"sh": "shell", "bash": "shell", "pl": "perl", "lua": "lua", "m": "objective-c", "mm": "objective-c",
	"dart": "dart", "ex": "elixir", "exs": "elixir", "erl": "erlang", "clj": "clojure", "r": "r",
	"jl": "julia", "zig": "zig", "nim": "nim", "ml": "ocaml", "fs": "fsharp", "vb": "vbnet",
	"groovy": "groovy", "html": "html", "css": "css", "scss": "scss", "vue": "vue", "svelte": "svelte",
}

func languageOf(p string) string { return languageExts[extOf(p)] }

// prominentLanguages applies Scorecard's rule: a language is prominent
// when it has at least a quarter of the mean size per language.
func prominentLanguages(langs map[string]int64) []string {
	if len(langs) == 0 {
		return nil
	}
	var total int64
	for _, n := range langs {
		total += n
	}
	threshold := total / int64(len(langs)) / 4
	var out []string
	for l, n := range langs {
		if n >= threshold {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// fuzzFunctions searches the files of the prominent languages for fuzz
// targets. The first target per language is enough to decide the check,
// so each language's search stops there.
func fuzzFunctions(ctx context.Context, root string, f *Facts) []Tool {
	var specs []fuzzSpec
	for _, lang := range prominentLanguages(f.Languages) {
		for _, s := range fuzzSpecs {
			if s.lang == lang {
				specs = append(specs, s)
			}
		}
	}
	var out []Tool
	for _, s := range specs {
		var cands []string
		for _, file := range f.Files {
			if !file.Testdata && file.Mode.IsRegular() && file.Size <= maxTextFile && s.match(file.Path) {
				cands = append(cands, file.Path)
			}
		}
		var mu sync.Mutex
		best := -1
		var found Tool
		parallel(ctx, len(cands), func(i int) {
			mu.Lock()
			done := best >= 0 && best < i
			mu.Unlock()
			if done {
				return
			}
			data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(cands[i])))
			if err != nil || !bytes.Contains(data, []byte(s.quick)) {
				return
			}
			for n, line := range bytes.Split(data, []byte("\n")) {
				if m := s.pattern.Find(line); m != nil {
					mu.Lock()
					if best < 0 || i < best {
						best = i
						found = Tool{Name: s.tool, Path: cands[i], Line: n + 1, Snippet: string(m)}
					}
					mu.Unlock()
					return
				}
			}
		})
		if best >= 0 {
			out = append(out, found)
		}
	}
	return out
}

// ossFuzzWorkflows finds workflows that run CIFuzz, which only works for
// projects integrated into OSS-Fuzz: the offline sign of OSS-Fuzz use.
func ossFuzzWorkflows(ws []*Workflow) []Tool {
	var out []Tool
	for _, w := range ws {
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if n := actionName(s.Uses); strings.HasPrefix(n, "google/oss-fuzz/infra/cifuzz/actions/") &&
					path.Base(n) == "run_fuzzers" {
					out = append(out, Tool{Name: "OSSFuzz", Path: w.Path, Line: s.UsesLine, Snippet: s.Uses})
				}
			}
		}
	}
	return out
}
