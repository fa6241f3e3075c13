package records

import (
	"maps"
	"strconv"
	"strings"
)

// A record's custom metadata mirrors part of its data (Encode): the
// fields listings, rotation and the reminder read without a value. An
// interrupted write, or an edit made around sellervault (Vault's CLI or
// API), can leave the mirror behind its data. MirrorDiff finds that and
// says what the metadata should be.
//
// Each mirror names the data version it mirrors (MirrorsKey). KV v2
// returns a record's current version with its metadata, so whoever reads
// metadata sees at once whether its mirror is behind (Fresh): a write
// made around sellervault makes a new version and leaves the stamp
// where it was.

// MirrorsKey is the metadata key of the data version a mirror mirrors.
const MirrorsKey = "mirrors_version"

// Stamp returns meta (not changed) with the stamp of data version v.
func Stamp(meta map[string]string, v int) map[string]string {
	out := make(map[string]string, len(meta)+1)
	maps.Copy(out, meta)
	out[MirrorsKey] = strconv.Itoa(v)
	return out
}

// Fresh reports whether meta mirrors data version current: stamped
// with it. A mirror with no stamp (written before stamps, or by another
// program) is not known to be fresh.
func Fresh(meta map[string]string, current int) bool {
	return meta[MirrorsKey] != "" && meta[MirrorsKey] == strconv.Itoa(current)
}

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
// its data (want: Encode's Metadata, stamped with the version read). It
// returns the keys that differ (sorted as mirrorKeys lists them; the
// stamp only when nothing else differs) and the metadata to write: current
// with every mirrored key set as want has it (removed where want has
// none), and any other key (a restore's totp_reenrol, a migration's
// times) kept.
func MirrorDiff(current, want map[string]string) (differ []string, fixed map[string]string) {
	fixed = maps.Clone(current)
	if fixed == nil {
		fixed = map[string]string{}
	}
	stampOnly := true
	for _, k := range append(mirrorKeys(), MirrorsKey) {
		w, inWant := want[k]
		if current[k] == w && (inWant == hasKey(current, k)) {
			continue
		}
		if k != MirrorsKey || stampOnly {
			differ = append(differ, k) // the stamp is named only when nothing else differs
		}
		stampOnly = false
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
