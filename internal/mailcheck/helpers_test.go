package mailcheck

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/sellervault/sellervault/internal/phish"
	"github.com/sellervault/sellervault/policies"
)

var update = flag.Bool("update", false, "sign the sample messages in testdata again with the test key")

// The test key: an Ed25519 key made from a fixed seed, so that the
// samples' signatures stay valid without a private key in the tree. It
// signs for every domain, under the selector "svtest"; it is for tests
// only and no DNS publishes it.
const testSelector = "svtest"

func testKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("sellervault mailcheck DKIM test key; for tests only, never trust it"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// keyRecord is a DKIM key's TXT record.
func keyRecord(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(k)
	default:
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			panic(err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	}
}

// fakeDNS answers TXT lookups from a map; other names do not exist.
func fakeDNS(records map[string]string) func(string) ([]string, error) {
	return func(name string) ([]string, error) {
		if r, ok := records[name]; ok {
			return []string{r}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
}

// testLookup publishes the test key as svtest._domainkey of the domains.
func testLookup(domains ...string) func(string) ([]string, error) {
	records := map[string]string{}
	for _, d := range domains {
		records[testSelector+"._domainkey."+d] = keyRecord(testKey().Public())
	}
	return fakeDNS(records)
}

var allowlist = sync.OnceValue(func() *phish.Allowlist {
	a, err := phish.ParseAllowlist(policies.Domains())
	if err != nil {
		panic(err)
	}
	return a
})

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signedSamples are signed with the test key for the From's domain.
var signedSamples = []string{"genuine.eml", "genuine_zh.eml", "replyto.eml"}

// sign signs a message with the test key, after removing the signatures
// an earlier run added.
func sign(t testing.TB, msg []byte, domain string) []byte {
	t.Helper()
	msg = dropField(msg, "DKIM-Signature")
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(msg), &dkim.SignOptions{
		Domain: domain, Selector: testSelector, Signer: testKey(),
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "Reply-To", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// dropField removes every header field called name, with its continuation lines.
func dropField(msg []byte, name string) []byte {
	head, body, _ := bytes.Cut(msg, []byte("\n\n"))
	var keep []string
	dropping := false
	for _, l := range strings.Split(string(head), "\n") {
		if l != "" && (l[0] == ' ' || l[0] == '\t') {
			if !dropping {
				keep = append(keep, l)
			}
			continue
		}
		dropping = len(l) > len(name) && strings.EqualFold(l[:len(name)+1], name+":")
		if !dropping {
			keep = append(keep, l)
		}
	}
	return []byte(strings.Join(keep, "\n") + "\n\n" + string(body))
}

// TestSignSamples signs the samples again with -update; without it, it
// checks that their signatures verify (forged_dkim.eml's must fail: it is
// genuine.eml changed after signing).
func TestSignSamples(t *testing.T) {
	if *update {
		for _, name := range signedSamples {
			signed := sign(t, readSample(t, name), "amazon.com")
			if err := os.WriteFile(filepath.Join("testdata", name), signed, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		forged := bytes.Replace(readSample(t, "genuine.eml"), []byte("USD 12,480.55"), []byte("USD 12,480.50"), 2)
		forged = dropField(forged, "Authentication-Results")
		if err := os.WriteFile(filepath.Join("testdata", "forged_dkim.eml"), forged, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range append(signedSamples, "forged_dkim.eml") {
		sigs := verifyDKIM(readSample(t, name), testLookup("amazon.com"))
		want := "pass"
		if name == "forged_dkim.eml" {
			want = "fail"
		}
		if len(sigs) != 1 || sigs[0].Result != want || sigs[0].Domain != "amazon.com" {
			t.Errorf("%s: signatures %+v, want one %s of amazon.com (run go test -run TestSignSamples -update)", name, sigs, want)
		}
	}
}
