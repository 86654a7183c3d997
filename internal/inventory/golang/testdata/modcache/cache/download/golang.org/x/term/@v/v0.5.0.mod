module golang.org/x/term

go 1.17

require golang.org/x/sys v0.5.0
