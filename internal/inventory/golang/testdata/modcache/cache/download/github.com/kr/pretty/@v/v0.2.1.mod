module github.com/kr/pretty

go 1.12

require github.com/kr/text v0.1.0
