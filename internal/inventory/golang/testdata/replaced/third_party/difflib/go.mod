module github.com/pmezard/go-difflib

go 1.20

require github.com/kr/pty v1.1.1
