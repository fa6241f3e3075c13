package offboard_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/offboard/offboardtest"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// BenchmarkOffboard1000 offboards a staff member who could read 1,000
// credentials (one store), against the in-process Vault, through a
// counting proxy; each iteration gets a fresh team. Run:
//
//	go test -run '^$' -bench Offboard1000 -benchtime 1x -count 3 ./internal/offboard
func BenchmarkOffboard1000(b *testing.B) {
	b.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r, _, l := vaulttest.TeamWithStore(b, "offboard")
		leaver, successor := "bench-leaver-"+l.Prefix, "bench-boss-"+l.Prefix
		if _, err := r.Members().Onboard(ctx, staff.Member{Name: successor, Role: staff.RoleManager}, time.Hour, time.Now); err != nil {
			b.Fatal(err)
		}
		if _, err := r.Members().Onboard(ctx, staff.Member{Name: leaver, Role: staff.RoleOps, Stores: []string{"acme-us"}}, time.Hour, time.Now); err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for n := 0; n < 1000; n++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				c := records.Credential{Store: "acme-us", Name: fmt.Sprintf("login-%04d", n), Login: "x", Password: "p"}
				if n%10 == 0 {
					c.Owner = leaver
				}
				if err := r.Creds().Add(ctx, c); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		counter, c := offboardtest.FaultyVault(b, 0)
		b.StartTimer()
		rep, err := offboard.Run(ctx, connect.OffboardDeps(repo.New(c, l)), leaver, successor, false, time.Now)
		b.StopTimer()
		if err != nil || !rep.Completed {
			b.Fatal(err)
		}
		b.ReportMetric(float64(counter.Requests()), "requests/op")
	}
}
