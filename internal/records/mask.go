package records

// Masked is how a secret is shown unless the user asks for it: always the
// same width, so its length does not leak either.
const Masked = "********"

// Mask shows a secret masked; an empty secret shows as empty.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	return Masked
}

// Display returns a record's fields with secrets masked.
func Display(fields []Field) []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		out[i] = f
		if f.Secret {
			out[i].Value = Mask(f.Value)
		}
	}
	return out
}

// FieldNamed finds a field by name.
func FieldNamed(fields []Field, name string) (Field, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}
