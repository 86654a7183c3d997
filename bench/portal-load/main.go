// Command portal-load measures the portal's where-used latency under a
// steady request rate, as a user population would load it: an open-loop
// generator (requests start on schedule whether or not earlier ones have
// answered, so a slow server cannot slow the load down and hide its own
// latency) asks /api/v1/components for package names drawn with the
// synthetic organisation's skew, and prints latency percentiles.
//
// It signs in with an API token it creates directly in the database the
// portal serves (-db), so the portal needs no set-up.
//
//	go run ./bench/portal-load -db /tmp/scale.db -url http://127.0.0.1:8080 -rate 200 -duration 60s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"

	"ospo/internal/access"
	"ospo/internal/portfolio/synth"
	"ospo/internal/store"
)

func main() {
	dbPath := flag.String("db", "", "the database the portal serves (to create a token)")
	base := flag.String("url", "http://127.0.0.1:8080", "the portal")
	rate := flag.Int("rate", 200, "requests per second")
	dur := flag.Duration("duration", 60*time.Second, "how long to load")
	limit := flag.Int("limit", 50, "page size asked for")
	flag.Parse()
	if err := run(*dbPath, *base, *rate, *dur, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "portal-load:", err)
		os.Exit(1)
	}
}

func run(dbPath, base string, rate int, dur time.Duration, limit int) error {
	ctx := context.Background()
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	acc := access.New(st)
	u, err := acc.UserByName(ctx, "load")
	if err != nil {
		if u, err = acc.CreateUser(ctx, "bench", "load", "load-generator-password", access.Viewer); err != nil {
			return err
		}
	}
	token, _, err := acc.NewToken(ctx, "bench", u, fmt.Sprintf("load %d", time.Now().UnixNano()), time.Hour)
	if err != nil {
		return err
	}
	st.Close()

	var names []string
	for _, c := range synth.NewPool(20000, 3, 1).Document("questions", 1000).Components {
		names = append(names, c.Name)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}, Timeout: 10 * time.Second}
	total := int(dur.Seconds() * float64(rate))
	lat := make([]time.Duration, total)
	codes := make([]int, total)
	interval := time.Second / time.Duration(rate)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < total; i++ {
		// Open loop: request i starts at start + i·interval.
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			q := url.Values{"q": {names[i%len(names)]}, "limit": {fmt.Sprint(limit)}}
			req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/components?"+q.Encode(), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				codes[i] = -1
				lat[i] = time.Since(t0)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat[i] = time.Since(t0)
			codes[i] = resp.StatusCode
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	bad := 0
	for _, c := range codes {
		if c != http.StatusOK {
			bad++
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	fmt.Printf("requests %d in %v (%.0f/s), errors %d\n", total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), bad)
	fmt.Printf("latency p50 %v  p90 %v  p99 %v  p99.9 %v  max %v\n", pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), pct(0.999).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
	if bad > 0 {
		return fmt.Errorf("%d requests failed", bad)
	}
	return nil
}
