// Package phish tells whether a mail's sender or a link belongs to a
// marketplace or payout provider, imitates one, or has nothing to do
// with them. It backs `sellervault check sender` and `sellervault check
// url`. It is pure Go: no Vault, no network, no DNS lookups; it judges the
// name alone.
//
// Seller accounts are mostly stolen by a mail that poses as the
// marketplace and a link to a page that looks like its sign-in page. The
// check compares the address with a reviewed allowlist of the genuine
// domains (policies/domains.conf) and explains, in one sentence per
// finding, what looks wrong.
//
// # Verdicts
//
// ok: the address's registrable domain (the name a company registers:
// amazon.co.uk for sellercentral.amazon.co.uk, found with the Public
// Suffix List) is on the allowlist, and nothing else about the address is
// odd. Subdomains of an allowlisted domain are ok; ports, paths, queries
// and letter case do not matter.
//
// suspicious: the address imitates an allowlisted brand, or uses a trick
// that genuine mail and links do not use. Every suspicious result has at
// least one reason; Result.Brand names the brand imitated, when there is
// one. What counts:
//
//   - Look-alike characters: the label folds to an allowlisted one.
//     Folding replaces each character by the plain letters it shows:
//     compatibility forms (full-width "ａ") and accents and other marks
//     ("ṁ", "é") go by Unicode's NFKD decomposition; a Latin letter with a
//     hook, stroke, descender or tail, or a small capital, is the letter
//     its Unicode name says ("ꞑ" LATIN SMALL LETTER N WITH DESCENDER); any
//     other character that looks like Latin letters, in any script
//     (Cyrillic "а", Greek "ο", Armenian "օ", Cherokee …), is its UTS #39
//     confusable prototype; invisible characters are dropped. Then digits
//     stand for letters (0 o, 1 l, 2 z, 3 e, 4 a, 5 s, 6 b, 7 t, 8 b, 9 g),
//     letter pairs for the letter they look like (rn m, nn m, vv w, cl d,
//     lc k), "1" and "i" for "l", and hyphens are ignored (ama-zon). So
//     аmazon.com, amaz0n.com, arnazon.com, ama-zon.com and aṁazoꞑ.com
//     (xn--aazo-gd5ax007g.com) all look like amazon.com; the reason names
//     each character and what it stands in for.
//   - Typos: the label, as written or folded, is one letter changed,
//     added, missing, doubled or swapped with its neighbour (amazom,
//     amzaon, amazzon, amzon) from an allowlisted label of 5 to 7
//     letters; two such edits from one of 8 or more (but not two letters
//     missing or added: static is not mlstatic). Names of 3 or 4 letters
//     need stronger evidence, because many ordinary words are one letter
//     from "ebay" or "wise": a swap or a doubled letter always counts
//     (ebya, ebbay); an added letter (ebays), or a letter changed for a
//     neighbouring key, another vowel, a letter one bit away or one of a
//     similar shape (wbay, ebey, ebax, eday), counts only when the result
//     is not a common English word or name (wiser, wide, wire, betsy stay
//     unknown; the list, commonwords.txt, comes from SCOWL); a missing
//     letter never counts (bay, eby: 3-letter names are mostly acronyms).
//     1- and 2-letter names count only by folding.
//   - Punycode (xn--) labels are decoded and judged as the Unicode name
//     they stand for; a label that mixes scripts (Latin with Cyrillic or
//     Greek …) is suspicious even when it imitates nothing. Latin mixed
//     with Han, Hiragana, Katakana, Bopomofo or Hangul, the way Japanese,
//     Chinese and Korean names are written, is not a mix (UTS #39 "highly
//     restrictive").
//   - A brand inside another domain: a brand's name, or the label of one
//     of its domains, as a hyphen-separated part of a label
//     (amazon-seller-support.co, sellercentral-amazon.net), or its
//     look-alike as one (login-paypa1.com); inside a label, as written or
//     folded, when it has 5 or more letters (amazonsupport.com,
//     sellercentralamazon.com); a name of 3 or 4 letters inside a label
//     only when the rest of the label is words that squatters add
//     (www, login, secure, account, seller, support … and the allowlisted
//     suffixes run together: wwwebay.com, ebaylogin.com, ebaycom.com), or,
//     for such a name that is not itself an English word (ebay, etsy,
//     temu, not wise), at the start or end of the label with 3 or more
//     letters beside it (ebayexpress.com; otherwise.com stays unknown);
//     or as the label itself under a suffix the brand is not listed with
//     (amazon.xyz).
//   - A name split by dots: neighbouring labels that, run together, are
//     or fold to an allowlisted label or brand name (ama.zon.com,
//     e.bay.com, amaz.on.ca, whose suffix on.ca swallowed two letters).
//   - An allowlisted domain in front of a foreign one
//     (sellercentral.amazon.com.example.net, sellercentral-amazon.de.evil.io),
//     or a brand's name or look-alike as a subdomain of one
//     (amazon.evil.com, verify.arnazon.evil.com).
//   - In links: text before an "@" (https://amazon.com@evil.net/ goes to
//     evil.net), a backslash that ends the host early for browsers
//     (https://evil.net\@amazon.com/), an IP address or a number that
//     browsers read as one (http://3627734062/) instead of a name, and a
//     name written with full-width or other compatibility characters that
//     browsers turn into an allowlisted one.
//   - In senders: a display name that claims a brand or shows an
//     allowlisted domain ("Amazon Seller Support" <x@gmail.com>,
//     "seller@amazon.com" <x@evil.net>), when the address is not at one of
//     that brand's domains; and, at a domain off the allowlist, a mailbox
//     name that claims one (amazon.seller.support@gmail.com). A claim is a
//     brand's name or label as a word, as two or three words run together
//     ("Pay Pal"), folded as above ("Arnazon", Cyrillic "Аmazon",
//     "Amazón"), or, from 5 letters, inside a word ("AmazonSeller"). A
//     display name that names the address's own brand is fine, also when
//     it names others too.
//
// unknown: the domain is not allowlisted and nothing points at a brand
// (github.com, a customer's own domain). Unknown is not "safe": it means
// the check has nothing to say.
//
// The Reasons of ok and unknown results say which allowlisted domain
// covers the address, or that none does.
//
// Names under a hosting suffix of the Public Suffix List (myshopify.com,
// s3.amazonaws.com, github.io) belong to whoever rented them, so they
// are never ok: acme.myshopify.com is unknown, amazon-verify.s3.amazonaws.com
// suspicious.
//
// Errors: CheckURL and CheckSender return an error (matching
// inputerr.ErrInvalid, one line) only when the input cannot be read as a
// link or an address: empty, a space or control character, no host, a
// scheme other than http or https, a port out of range, a host that is not
// a DNS name or IP address. An error message never quotes a link's query
// or fragment.
//
// # The allowlist
//
// policies/domains.conf is a text file reviewed like the ACL policies
// beside it. Each line is a brand followed by one or more of its domains,
// separated by spaces or tabs; "#" starts a comment that runs to the end
// of the line; blank lines are ignored:
//
//	# brand   domain ...
//	amazon    amazon.com
//	amazon    amazon.co.uk amazon.de
//	wise      wise.com transferwise.com
//
// A brand is 2 to 40 lower-case letters and digits, starting with a
// letter, with single hyphens inside; it is the name that reasons print.
// A domain is a registrable domain in lower case ASCII (an international
// one in punycode, xn--...): not a subdomain, which its registrable domain
// covers ("list amazon.com" for sellercentral.amazon.com), not a public
// suffix (co.uk, myshopify.com), not an IP address, and under a known
// top-level domain. A domain is listed once. A name (a brand, or a
// domain's second-level label such as "amazon" of amazon.de) belongs to
// one brand only. ParseAllowlist reports the line of the first problem.
//
// A genuine domain that is missing from the list and carries a brand's
// name (amazon.com.be, whose registrable domain is com.be; media-amazon.com)
// is reported as suspicious: add it after review, or live with the
// warning; never add a domain that other people can get names under.
//
// # Limits
//
// The check sees names, not ownership: a registrable domain that is on the
// allowlist is ok even if the mail's headers were forged (check SPF, DKIM
// and DMARC results in the mail program for that), and a lookalike that
// resembles nothing on the list is unknown. Edit-distance matching is
// tuned against false alarms; ordinary words one edit from a brand of 5
// or more letters (strive.com and strip.com for stripe, pioneer.com for
// payoneer) are still flagged, with the reason. For brands of 3 or 4
// letters the balance goes the other way: common words and names one
// letter from them (wiser.com, vise.com, wide.com), names one letter
// shorter (bay.com, eba.com), and a word that is a brand inside a longer
// one with words other than the squatters' (moneywise.com, giftwise.com)
// are unknown, although squatters could register them. Tricks are caught
// one at a time or folded together; a typo on top of a split or a brand
// plus words (ama.zom.com) is not. Confusable prototypes come from the
// Unicode confusables table of go.mau.fi/util/confusable (Unicode 16.0),
// character names from golang.org/x/text/unicode/runenames.
package phish
