module example.com/replaced

go 1.22

require (
	github.com/davecgh/go-spew v1.1.1
	github.com/pmezard/go-difflib v1.0.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	gopkg.in/check.v1 v1.0.0-20201130134442-10cb98267c6c // indirect
)

replace github.com/pmezard/go-difflib => ./third_party/difflib

replace gopkg.in/yaml.v3 v3.0.1 => go.yaml.in/yaml/v3 v3.0.4

exclude gopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405
