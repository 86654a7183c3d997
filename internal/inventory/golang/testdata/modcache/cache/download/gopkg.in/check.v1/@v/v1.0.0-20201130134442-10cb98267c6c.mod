module gopkg.in/check.v1

go 1.11

require github.com/kr/pretty v0.2.1
