package records

import "fmt"

// People tells whether a person is active in the team: known is false when
// the caller may not tell (then no warning is given on that account).
type People func(name string) (active, known bool)

// FactorRow is one credential's recovery factors and what is wrong with
// them.
type FactorRow struct {
	Credential    string   `json:"credential"`
	Mailbox       string   `json:"mailbox"`
	MailboxHolder string   `json:"mailbox_assignee"`
	Phone         string   `json:"phone"`
	PhoneHolder   string   `json:"phone_assignee"`
	Warnings      []string `json:"warnings"`
}

// Factors builds the recovery-factor inventory: for every credential,
// which mailbox and phone can recover it, who holds them, and warnings for
// factors that are personal, unassigned, assigned to nobody active, or not
// recorded at all. Inputs come from metadata only: mailboxes and phones
// by ID (ContactID), which credentials name in RecoveryEmailRef and
// RecoveryPhoneRef; addresses and numbers as metadata shows them, masked.
func Factors(creds []Credential, mailboxes map[string]Mailbox, phones map[string]Phone, people People) []FactorRow {
	rows := make([]FactorRow, 0, len(creds))
	for _, c := range creds {
		row := FactorRow{Credential: c.Address(), Mailbox: c.RecoveryEmail, Phone: c.RecoveryPhone, Warnings: []string{}}
		if c.RecoveryEmail == "" && c.RecoveryPhone == "" {
			row.Warnings = append(row.Warnings, "no recovery mailbox or phone recorded")
		}
		if c.RecoveryEmail != "" {
			m, ok := mailboxes[c.RecoveryEmailRef]
			row.MailboxHolder = m.Assignee
			row.Warnings = append(row.Warnings, factorWarnings("mailbox", c.RecoveryEmail, ok, m.Personal, m.Assignee, people)...)
		}
		if c.RecoveryPhone != "" {
			p, ok := phones[c.RecoveryPhoneRef]
			row.PhoneHolder = p.Assignee
			row.Warnings = append(row.Warnings, factorWarnings("phone", c.RecoveryPhone, ok, p.Personal, p.Assignee, people)...)
		}
		rows = append(rows, row)
	}
	return rows
}

func factorWarnings(kind, id string, recorded, personal bool, assignee string, people People) []string {
	var w []string
	switch {
	case !recorded:
		return append(w, fmt.Sprintf("%s %s is not recorded in sellervault", kind, id))
	case personal:
		w = append(w, fmt.Sprintf("%s %s is personal: it leaves with its owner", kind, id))
	}
	if assignee == "" {
		return append(w, fmt.Sprintf("%s %s is assigned to nobody", kind, id))
	}
	if active, known := people(assignee); known && !active {
		w = append(w, fmt.Sprintf("%s %s is assigned to %s, who is not active", kind, id, assignee))
	}
	return w
}
