module example.com/unpruned

go 1.16

require (
	github.com/stretchr/testify v1.9.0
	golang.org/x/text v0.14.0
)

require gopkg.in/check.v1 v1.0.0-20201130134442-10cb98267c6c
