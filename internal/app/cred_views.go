package app

import (
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
)

// credListRow is the JSON form of a listed credential: metadata only.
type credListRow struct {
	Credential    string   `json:"credential"`
	Owner         string   `json:"owner"`
	Assignees     []string `json:"assignees"`
	URL           string   `json:"url"`
	RotateEvery   string   `json:"rotate_every"`
	LastRotated   string   `json:"last_rotated"`
	RecoveryEmail string   `json:"recovery_email"`
	RecoveryPhone string   `json:"recovery_phone"`
}

func (s *session) printCredList(creds []records.Credential) error {
	rows := make([]credListRow, 0, len(creds))
	for _, c := range creds {
		f := fieldMap(c.Fields())
		assignees := c.Assignees
		if assignees == nil {
			assignees = []string{}
		}
		rows = append(rows, credListRow{Credential: c.Address(), Owner: c.Owner, Assignees: assignees, URL: c.URL,
			RotateEvery: f["rotate-every"], LastRotated: f["last-rotated"],
			RecoveryEmail: c.RecoveryEmail, RecoveryPhone: c.RecoveryPhone})
	}
	table := make([][]string, 0, len(rows))
	for _, r := range rows {
		table = append(table, []string{r.Credential, orDash(r.Owner), orDash(strings.Join(r.Assignees, ",")),
			orDash(r.RotateEvery), orDash(r.LastRotated)})
	}
	return s.render(rows, []string{"CREDENTIAL", "OWNER", "ASSIGNEES", "ROTATE EVERY", "LAST ROTATED"}, table)
}

func (s *session) printFactors(c *cli.Context, r *repo.Repo, creds []records.Credential) error {
	mailboxes, err := r.Contacts().ListMailboxes(c.Context)
	if err != nil {
		return err
	}
	phones, err := r.Contacts().ListPhones(c.Context)
	if err != nil {
		return err
	}
	byID := map[string]records.Mailbox{}
	for _, m := range mailboxes {
		byID[m.ID] = m
	}
	phonesByID := map[string]records.Phone{}
	for _, p := range phones {
		phonesByID[p.ID] = p
	}
	cache := map[string][2]bool{}
	people := func(name string) (bool, bool) {
		if v, ok := cache[name]; ok {
			return v[0], v[1]
		}
		active, known := r.Members().Active(c.Context, name)
		cache[name] = [2]bool{active, known}
		return active, known
	}
	rows := records.Factors(creds, byID, phonesByID, people)
	table := make([][]string, 0, len(rows))
	for _, row := range rows {
		table = append(table, []string{row.Credential, orDash(row.Mailbox), orDash(row.MailboxHolder),
			orDash(row.Phone), orDash(row.PhoneHolder), orDash(strings.Join(row.Warnings, "; "))})
	}
	return s.render(rows, []string{"CREDENTIAL", "MAILBOX", "HELD BY", "PHONE", "HELD BY", "WARNINGS"}, table)
}

func (s *session) printHistory(versions []repo.Version) error {
	table := make([][]string, 0, len(versions))
	for _, v := range versions {
		state := "live"
		switch {
		case v.Destroyed:
			state = "destroyed"
		case v.Deleted != "":
			state = "deleted " + shortTime(v.Deleted)
		}
		if v.Current {
			state += " (current)"
		}
		table = append(table, []string{strconv.Itoa(v.Version), shortTime(v.Created), orDash(v.UpdatedBy), state})
	}
	return s.render(versions, []string{"VERSION", "CREATED", "BY", "STATE"}, table)
}

func fieldMap(fields []records.Field) map[string]string {
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		m[f.Name] = f.Value
	}
	return m
}

// shortTime shows one of Vault's timestamps to the second.
func shortTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339)
}
