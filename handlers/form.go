package handlers

// formState is a submitted form coming back to the person: what they typed and, next to each
// field, what is wrong with it.
type formState struct {
	Values map[string]string
	Errors map[string]string
}

// Value is what the person typed in a field.
func (f formState) Value(field string) string { return f.Values[field] }

// Error is the message shown next to a field.
func (f formState) Error(field string) string { return f.Errors[field] }
