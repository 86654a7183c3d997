module golang.org/x/net

go 1.11

require (
	golang.org/x/sys v0.0.0-20201119102817-f84b799fce68
	golang.org/x/term v0.0.0-20201126162022-7de9c90e9dd1
	golang.org/x/text v0.3.3
)
