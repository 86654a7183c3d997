package monitor

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"ospo/internal/notify"
)

// ErrWebhook is wrapped by every failure to deliver alerts.
var ErrWebhook = notify.ErrWebhook

// WebhookPayload is the Slack-compatible message NotifyWebhook posts.
type WebhookPayload = notify.Payload

// Block is one Slack layout block (header, section or context).
type Block = notify.Block

// BlockText is a text object of a block.
type BlockText = notify.BlockText

// BuildPayload is the message NotifyWebhook posts for alerts.
func BuildPayload(alerts []Alert) WebhookPayload {
	repos := map[string]bool{}
	for _, a := range alerts {
		repos[a.Repo] = true
	}
	summary := fmt.Sprintf("ospo: %d repository check alert%s in %d repositor%s",
		len(alerts), plural(len(alerts), "", "s"), len(repos), plural(len(repos), "y", "ies"))
	p := WebhookPayload{Text: summary}
	p.Blocks = append(p.Blocks, Block{Type: "header", Text: &BlockText{Type: "plain_text", Text: "Repository check alerts"}})
	shown := alerts
	if len(shown) > notify.MaxBlocks {
		shown = shown[:notify.MaxBlocks]
	}
	for _, a := range shown {
		var b strings.Builder
		b.WriteString("*" + notify.Escape(a.Repo) + "*")
		if a.Check != "" {
			b.WriteString(" · " + notify.Escape(a.Check))
		}
		if conclusive(a.Before) || conclusive(a.After) {
			fmt.Fprintf(&b, " · %s → %s", fmtScore(a.Before), fmtScore(a.After))
		}
		b.WriteString("\n" + notify.Escape(a.Why))
		p.Blocks = append(p.Blocks, Block{Type: "section", Text: &BlockText{Type: "mrkdwn", Text: notify.Truncate(b.String(), notify.MaxSectionChars)}})
	}
	if more := len(alerts) - len(shown); more > 0 {
		p.Blocks = append(p.Blocks, Block{Type: "context", Elements: []BlockText{{Type: "mrkdwn",
			Text: fmt.Sprintf("and %d more alert%s; see the full report", more, plural(more, "", "s"))}}})
	}
	return p
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// NotifyWebhook posts alerts to a Slack-compatible incoming webhook at
// url (nothing is posted when there are none), through notify.Post.
// client nil means a client with a 15 s timeout.
func NotifyWebhook(ctx context.Context, url string, alerts []Alert, client *http.Client) error {
	if len(alerts) == 0 {
		return nil
	}
	return notify.Post(ctx, url, BuildPayload(alerts), client)
}
