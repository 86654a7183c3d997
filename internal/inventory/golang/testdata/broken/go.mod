module example.com/broken

go 1.22

require (
	github.com/davecgh/go-spew v1.1.1
	github.com/pmezard/go-difflib
)
