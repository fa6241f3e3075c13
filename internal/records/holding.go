package records

// Holding is how a person holds a record: as its owner, as one of its
// assignees, or not at all. It is the one definition of "who holds a
// credential" — what `staff show` lists, what `rotation status --owner`
// keeps and what an offboarding hands over.
type Holding string

// Holdings.
const (
	NotHeld        Holding = ""
	HeldAsOwner    Holding = "owner"
	HeldAsAssignee Holding = "assignee"
)

// HeldBy says how person holds a record with this owner and these
// assignees; the owner's holding wins when they are both.
func HeldBy(owner string, assignees []string, person string) Holding {
	switch {
	case person == "":
		return NotHeld
	case owner == person:
		return HeldAsOwner
	case Contains(assignees, person):
		return HeldAsAssignee
	}
	return NotHeld
}

// HeldBy says how person holds the credential.
func (c Credential) HeldBy(person string) Holding { return HeldBy(c.Owner, c.Assignees, person) }
