module golang.org/x/tools

go 1.11

require (
	golang.org/x/net v0.0.0-20190620200207-3b0461eec859
	golang.org/x/sync v0.0.0-20190423024810-112230192c58
	golang.org/x/xerrors v0.0.0-20190717185122-a985d3407aa7
)
