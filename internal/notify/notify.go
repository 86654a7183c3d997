// Package notify delivers messages to Slack-compatible incoming
// webhooks (Slack, Mattermost, Rocket.Chat and others read the same
// shape): bounded retries, the server's Retry-After honoured, and the
// webhook's address, which holds its secret, never in an error.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrWebhook is wrapped by every failure to deliver a message.
var ErrWebhook = errors.New("webhook delivery failed")

// Delivery limits: a chat message holds at most 50 blocks (MaxBlocks
// leaves room for a header and a closing line) and a section at most
// 3000 characters; a failing endpoint is tried three times.
const (
	MaxBlocks        = 45
	MaxSectionChars  = 2900
	webhookAttempts  = 3
	webhookBackoff   = 250 * time.Millisecond
	maxRetryAfter    = 5 * time.Second
	webhookTimeout   = 15 * time.Second
	maxWebhookAnswer = 512
)

// Payload is the Slack-compatible message Post sends:
// text for notifications and clients without blocks, blocks for the
// message itself. Mattermost, Rocket.Chat and other Slack-compatible
// endpoints read the same shape.
type Payload struct {
	Text   string  `json:"text"`
	Blocks []Block `json:"blocks"`
}

// Block is one Slack layout block (header, section or context).
type Block struct {
	Type     string      `json:"type"`
	Text     *BlockText  `json:"text,omitempty"`
	Elements []BlockText `json:"elements,omitempty"`
}

// BlockText is a text object of a block.
type BlockText struct {
	Type string `json:"type"` // plain_text or mrkdwn
	Text string `json:"text"`
}

// Escape escapes the three characters Slack's mrkdwn gives meaning
// to as markup (links, mentions), so repository names and reasons stay
// text.
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Truncate shortens s to n characters, marking the cut.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Post sends p to the Slack-compatible incoming webhook at url. A network error, 429 or
// 5xx answer is retried, three attempts in all, waiting as the server's
// Retry-After asks (at most 5 s) or a short backoff. Errors name the
// answer's status but never the URL, which holds the webhook's secret.
// client nil means a client with a 15 s timeout.
func Post(ctx context.Context, url string, p Payload, client *http.Client) error {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return fmt.Errorf("%w: the webhook address is not an http(s) URL", ErrWebhook)
	}
	if client == nil {
		client = &http.Client{Timeout: webhookTimeout}
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // text is already escaped for Slack
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("%w: %v", ErrWebhook, err)
	}
	var last error
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		wait, err := postOnce(ctx, client, url, body.Bytes())
		if err == nil {
			return nil
		}
		last = fmt.Errorf("%w: %v (attempt %d of %d)", ErrWebhook, err, attempt, webhookAttempts)
		if wait < 0 || attempt == webhookAttempts {
			break
		}
		if wait == 0 {
			wait = webhookBackoff << (attempt - 1)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %v", ErrWebhook, ctx.Err())
		case <-time.After(wait):
		}
	}
	return last
}

// postOnce posts body once. wait is -1 when retrying cannot help, else
// how long the server asked to wait (0: not said).
func postOnce(ctx context.Context, client *http.Client, addr string, body []byte) (wait time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, addr, bytes.NewReader(body))
	if err != nil {
		return -1, errors.New("the webhook address is not a valid URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL and its secret
		}
		if ctx.Err() != nil {
			return -1, ctx.Err()
		}
		return 0, err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxWebhookAnswer))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return 0, nil
	}
	err = fmt.Errorf("server answered %s", resp.Status)
	if a := strings.TrimSpace(string(answer)); a != "" {
		err = fmt.Errorf("server answered %s: %s", resp.Status, strings.Join(strings.Fields(a), " "))
	}
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
		return -1, err
	}
	if s, convErr := strconv.Atoi(resp.Header.Get("Retry-After")); convErr == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, maxRetryAfter), err
	}
	return 0, err
}
