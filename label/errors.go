package label

import "errors"

// Sentinel errors. Layout and template decoding wrap them in an [*Error] that names the
// template and element; callers branch with errors.Is.
var (
	// ErrMissingField means a template names a field or table absent from the data.
	ErrMissingField = errors.New("label: missing field")
	// ErrOverflow means content does not fit its box, even at the smallest size, and
	// the element's overflow policy is "error".
	ErrOverflow = errors.New("label: content overflows")
	// ErrEncode means a value cannot be encoded: a barcode symbology or a filter
	// refused it.
	ErrEncode = errors.New("label: cannot encode value")
	// ErrTemplate means a template is malformed.
	ErrTemplate = errors.New("label: bad template")
	// ErrUnknownTemplate means no standard template has the name.
	ErrUnknownTemplate = errors.New("label: unknown template")
)

// Error is an error in one template element. Element is the element's ID, or its type
// and index such as "text#3", or "" for the template as a whole.
type Error struct {
	Template string
	Element  string
	Err      error
}

func (e *Error) Error() string {
	s := "label: template " + quote(e.Template)
	if e.Element != "" {
		s += " element " + quote(e.Element)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func quote(s string) string { return "\"" + s + "\"" }
