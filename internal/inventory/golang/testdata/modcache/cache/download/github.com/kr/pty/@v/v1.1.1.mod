module github.com/kr/pty
