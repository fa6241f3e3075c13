package redact

// words runs the detectors that start at a word (a run of ASCII letters
// and digits) over b, in one pass: IBANs, TOTP seeds, and digit runs
// (card numbers; phone, account and routing number candidates), tried
// in that order. Hits go to hits, candidates to x (nil for none). The
// words that a detector takes in are not looked at again.
func words(b []byte, hits *[]hit, x *extractor) {
	if x != nil && x.classes&(clsNumber|clsIBAN) == 0 {
		x = nil
	}
	xn, xi := x, x
	if x != nil && x.classes&clsNumber == 0 {
		xn = nil
	}
	if x != nil && x.classes&clsIBAN == 0 {
		xi = nil
	}
	var groups [maxRunLen]group
	var sw seedWork
	n := len(b)
	for i := 0; i < n; {
		if class[b[i]]&cAlnum == 0 {
			i++
			continue
		}
		s := i
		for i < n && class[b[i]]&cAlnum != 0 {
			i++
		}
		l := i - s
		if l >= 4 && class[b[s]]&cLetter != 0 && class[b[s+1]]&cLetter != 0 && class[b[s+2]]&cDigit != 0 && class[b[s+3]]&cDigit != 0 {
			if end, ok := ibanAt(b, s, hits, xi); ok {
				i = end
				continue
			}
		}
		if l == 4 || l >= minSeedLen && l <= maxSeedLen {
			if end, ok := seedAt(b, s, i, hits, &sw); ok {
				i = end
				continue
			}
		}
		if class[b[s]]&cDigit != 0 {
			if end, _ := numberAt(b, s, hits, xn, &groups); end > i {
				i = end
			}
		}
	}
}
