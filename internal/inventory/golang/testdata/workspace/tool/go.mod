module example.com/ws/tool

go 1.22

require (
	example.com/ws/api v0.0.0
	github.com/stretchr/testify v1.9.0
	golang.org/x/text v0.14.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/stretchr/objx v0.5.2 // indirect
	golang.org/x/tools v0.6.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace example.com/ws/api => ../api
