package notify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// Canaries: strings that stand for secrets in test configurations and must
// never show in an error or a payload.
const (
	canaryToken    = "CANARY-TOKEN-7f3a"
	canarySecret   = "CANARY-SECRET-91c2"
	canaryPassword = "CANARY-PASSWORD-5e8d"
)

var canaries = []string{canaryToken, canarySecret, canaryPassword}

// assertNoCanary fails when s holds a canary.
func assertNoCanary(t *testing.T, what, s string) {
	t.Helper()
	for _, c := range canaries {
		if strings.Contains(s, c) {
			t.Errorf("%s holds the canary %s: %s", what, c, s)
		}
	}
}

var (
	testNow = time.Date(2026, 10, 5, 9, 30, 0, 0, time.UTC)
	day     = func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
)

// sampleMessage is a message with every kind of record and an unassigned
// group.
func sampleMessage() Message {
	return Message{
		Team: "sellervault",
		Now:  testNow,
		Groups: []Group{
			{Person: "olga", Items: []Item{
				{Record: "acme-us/seller-central", Kind: "credential", State: StateOverdue, Due: day(2026, 10, 1), Reason: "marked due"},
				{Record: "ops-us@acme.example", Kind: "mailbox", State: StateDueSoon, Due: day(2026, 10, 20)},
			}},
			{Person: "j.smith", Items: []Item{
				{Record: "acme-de", Kind: "payout-verification", State: StateOverdue, Due: day(2026, 9, 1)},
			}},
			{Person: "", Items: []Item{
				{Record: "+14155550100", Kind: "phone", State: StateOverdue, Reason: "never rotated"},
				{Record: "acme-uk/ebay", Kind: "credential", State: StateDueSoon, Due: day(2026, 10, 12)},
			}},
		},
	}
}

// testCert makes a self-signed certificate for 127.0.0.1, ::1 and
// localhost, and a pool that trusts it.
func testCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "notify test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}
