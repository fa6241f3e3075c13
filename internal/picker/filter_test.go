package picker

import (
	"reflect"
	"testing"
)

var testEntries = []Entry{
	{Address: "acme-us/seller-central", URL: "https://sellercentral.amazon.com", HasCode: true},
	{Address: "acme-us/ebay", URL: "https://www.ebay.com"},
	{Address: "acme-de/seller-central", URL: "https://sellercentral.amazon.de"},
	{Address: "bolt-uk/shopify", URL: "https://bolt.myshopify.com"},
}

func TestFilter(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  []int
	}{
		{"", []int{0, 1, 2, 3}},
		{"   ", []int{0, 1, 2, 3}},
		{"ebay", []int{1}},
		{"EBAY", []int{1}},
		{"seller", []int{0, 2}},
		{"de seller", []int{2}},      // every word must match
		{"amazon.de", []int{2}},      // the URL
		{"myshopify", []int{3}},      // the URL
		{"acsc", []int{0, 2}},        // letters in order
		{"shop", []int{3}},           // a word start ranks first ...
		{"central", []int{0, 2}},     // ... a substring is a substring
		{"us", []int{0, 1, 3}},       // the end of acme-us, and u…s in bolt-uk/shopify
		{"zz", nil},                  // nothing
		{"ebay seller-central", nil}, // two entries' words, not one's
		{"bay", []int{1}},            // inside a word
		{"amazon", []int{0, 2}},      // URL only, in order
		{"a/e", []int{0, 1, 2}},      // letters in order across "/"
		{"ltk", []int{3}},            // b-o-l-t-u-k in order
		{"sellercentral.amazon.com", []int{0}},
	} {
		got := Filter(testEntries, tc.query)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Filter(%q) = %v, want %v", tc.query, got, tc.want)
		}
	}
}

func TestFilterRanks(t *testing.T) {
	entries := []Entry{
		{Address: "x/partsshop"},                          // substring inside a word
		{Address: "x/s-h-o-p"},                            // letters in order
		{Address: "x/shopify"},                            // at a word start
		{Address: "x/other", URL: "https://shop.example"}, // in the URL
	}
	if got, want := Filter(entries, "shop"), []int{2, 0, 3, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("Filter ranks %v, want %v", got, want)
	}
}
