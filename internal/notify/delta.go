package notify

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"ospo/internal/portfolio"
)

// DeltaPayload is the message for what a new scan of a project brought:
// newly denied components, new critical vulnerabilities and a fall of
// the health score. portal, when not empty, is the portal's base URL,
// linked from the message.
func DeltaPayload(d portfolio.Delta, portal string) Payload {
	var parts []string
	if n := len(d.NewDenied); n > 0 {
		parts = append(parts, count(n, "newly denied component", "newly denied components"))
	}
	if n := len(d.NewCritical); n > 0 {
		parts = append(parts, count(n, "new critical vulnerability", "new critical vulnerabilities"))
	}
	if d.HealthAfter != nil && d.HealthBefore != nil {
		parts = append(parts, fmt.Sprintf("health score fell from %.1f to %.1f", *d.HealthBefore, *d.HealthAfter))
	}
	p := Payload{Text: "ospo: " + d.Project.Name + ": " + strings.Join(parts, ", ")}
	p.Blocks = append(p.Blocks, Block{Type: "header", Text: &BlockText{Type: "plain_text", Text: Truncate("ospo · "+d.Project.Name, 150)}})
	var lines []string
	for _, u := range d.NewDenied {
		lines = append(lines, fmt.Sprintf("*denied* %s@%s (%s): %s", Escape(u.Component.Name), Escape(u.Component.Version), Escape(u.License), Escape(u.Reason)))
	}
	for _, f := range d.NewCritical {
		fix := "no fixed version"
		if len(f.Fixed) > 0 {
			fix = "fixed in " + strings.Join(f.Fixed, ", ")
		}
		lines = append(lines, fmt.Sprintf("*critical* %s in %s@%s: %s (%s)", Escape(f.ID), Escape(f.Component.Name), Escape(f.Component.Version), Escape(f.Summary), Escape(fix)))
	}
	if d.HealthAfter != nil && d.HealthBefore != nil {
		lines = append(lines, fmt.Sprintf("*health* %.1f → %.1f", *d.HealthBefore, *d.HealthAfter))
	}
	shown := lines
	if len(shown) > MaxBlocks {
		shown = shown[:MaxBlocks]
	}
	for _, l := range shown {
		p.Blocks = append(p.Blocks, Block{Type: "section", Text: &BlockText{Type: "mrkdwn", Text: Truncate(l, MaxSectionChars)}})
	}
	var foot []string
	if more := len(lines) - len(shown); more > 0 {
		foot = append(foot, fmt.Sprintf("and %d more", more))
	}
	if portal != "" {
		foot = append(foot, fmt.Sprintf("<%s/projects/%d|open the project>", strings.TrimRight(portal, "/"), d.Project.ID))
	}
	if len(foot) > 0 {
		p.Blocks = append(p.Blocks, Block{Type: "context", Elements: []BlockText{{Type: "mrkdwn", Text: strings.Join(foot, " · ")}}})
	}
	return p
}

// Delta posts DeltaPayload(d) to url, unless the delta is empty.
func Delta(ctx context.Context, url, portal string, d portfolio.Delta, client *http.Client) error {
	if d.Empty() {
		return nil
	}
	return Post(ctx, url, DeltaPayload(d, portal), client)
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
