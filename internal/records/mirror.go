package records

import (
	"maps"
	"strings"
)

// A record's custom metadata mirrors part of its data (Encode): the
// fields listings, rotation and the reminder read without a value. An
// interrupted write, or an edit made around sellervault (Vault's CLI or
// API), can leave the mirror behind its data. MirrorDiff finds that and
// says what the metadata should be.

// mirrorKeys are the metadata keys a credential's Encode owns: every
// field that may be mirrored, the kind, and the contact IDs.
func mirrorKeys() []string {
	keys := []string{keyKind, keyRecoveryEmailRef, keyRecoveryPhoneRef}
	for _, f := range (Credential{}).Fields() {
		if !f.Secret && !notInMetadata[f.Name] {
			keys = append(keys, fieldKey(f.Name))
		}
	}
	return keys
}

// MirrorDiff compares a credential's custom metadata with the mirror of
// its data (want, Encode's Metadata). It returns the keys that differ
// (sorted as mirrorKeys lists them) and the metadata to write: current
// with every mirrored key set as want has it (removed where want has
// none), and any other key (a restore's totp_reenrol, a migration's
// times) kept.
func MirrorDiff(current, want map[string]string) (differ []string, fixed map[string]string) {
	fixed = maps.Clone(current)
	if fixed == nil {
		fixed = map[string]string{}
	}
	for _, k := range mirrorKeys() {
		w, inWant := want[k]
		if current[k] == w && (inWant == hasKey(current, k)) {
			continue
		}
		differ = append(differ, k)
		if inWant {
			fixed[k] = w
		} else {
			delete(fixed, k)
		}
	}
	return differ, fixed
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// fieldKey is a field's key in KV data and custom metadata.
func fieldKey(name string) string { return strings.ReplaceAll(name, "-", "_") }
