// Package secret keeps credentials out of what ospo shows and stores in
// messages. A project's source may be a clone URL with a password or
// token in it (https://user:TOKEN@host/repo.git); a failed clone's error,
// a job's stored errors and the events log's record of a source change
// quote it, and every viewer of the portal may read those. The stored
// source stays whole for the workers that clone it.
package secret

import (
	"regexp"
	"strings"
)

// urlUserinfo finds the user information of URLs in text: a scheme, ://
// and everything up to the last @ before the host ends.
var urlUserinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*)://([^\s/?#'"<>\\]*)@`)

// RedactURLs hides the credentials of every URL in s as
// url.URL.Redacted does: user:password@ becomes user:xxxxx@. An http or
// https URL with a user name alone (https://TOKEN@host, as forges take
// tokens) has the name hidden too; ssh://git@host keeps its user name,
// which is no secret.
func RedactURLs(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return urlUserinfo.ReplaceAllStringFunc(s, func(m string) string {
		sub := urlUserinfo.FindStringSubmatch(m)
		scheme, info := sub[1], sub[2]
		if user, _, ok := strings.Cut(info, ":"); ok {
			return scheme + "://" + user + ":xxxxx@"
		}
		if info != "" && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) {
			return scheme + "://xxxxx@"
		}
		return m
	})
}
