module example.com/replace-missing-dir

go 1.22

require github.com/pmezard/go-difflib v1.0.0

replace github.com/pmezard/go-difflib => ./not-there
