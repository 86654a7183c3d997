module example.com/ws/api

go 1.22

require (
	github.com/stretchr/objx v0.5.2
	golang.org/x/tools v0.1.12
)
