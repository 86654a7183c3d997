module golang.org/x/sys
