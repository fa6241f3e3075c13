package records

import "testing"

func TestHeldBy(t *testing.T) {
	for _, tt := range []struct {
		owner     string
		assignees []string
		person    string
		want      Holding
	}{
		{"maria", nil, "maria", HeldAsOwner},
		{"maria", []string{"tom", "olga"}, "olga", HeldAsAssignee},
		{"maria", []string{"maria"}, "maria", HeldAsOwner},
		{"maria", []string{"tom"}, "farid", NotHeld},
		{"", nil, "", NotHeld},
		{"", []string{""}, "", NotHeld},
	} {
		if got := HeldBy(tt.owner, tt.assignees, tt.person); got != tt.want {
			t.Errorf("HeldBy(%q, %q, %q) = %q, want %q", tt.owner, tt.assignees, tt.person, got, tt.want)
		}
	}
	c := Credential{Owner: "maria", Assignees: []string{"tom"}}
	if c.HeldBy("tom") != HeldAsAssignee || c.HeldBy("maria") != HeldAsOwner || c.HeldBy("lena") != NotHeld {
		t.Error("Credential.HeldBy disagrees with HeldBy")
	}
}
