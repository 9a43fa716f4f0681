package pool

import (
	"errors"
	"fmt"
)

// ErrInvalidS10 is wrapped by every [S10Error].
var ErrInvalidS10 = errors.New("pool: not a valid S10 number")

// S10Error says why a number is not a valid UPU S10 identifier.
type S10Error struct {
	Number string
	Reason string
}

// Error implements error.
func (e *S10Error) Error() string {
	return fmt.Sprintf("%v: %q: %s", ErrInvalidS10, e.Number, e.Reason)
}

// Unwrap returns [ErrInvalidS10].
func (e *S10Error) Unwrap() error { return ErrInvalidS10 }

var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// S10CheckDigit returns the UPU S10 check digit ('0'..'9') of an 8-digit serial
// number: 11 minus the weighted sum (weights 8 6 4 2 3 5 9 7) modulo 11,
// where 10 becomes 0 and 11 becomes 5.
func S10CheckDigit(serial string) (byte, error) {
	if len(serial) != 8 {
		return 0, &S10Error{Number: serial, Reason: "serial must have 8 digits"}
	}
	sum := 0
	for i := range 8 {
		c := serial[i]
		if c < '0' || c > '9' {
			return 0, &S10Error{Number: serial, Reason: "serial must have 8 digits"}
		}
		sum += int(c-'0') * s10Weights[i]
	}
	d := 11 - sum%11
	switch d {
	case 10:
		d = 0
	case 11:
		d = 5
	}
	return byte('0' + d), nil
}

// ValidateS10 checks a 13-character S10 number: two service letters, eight
// serial digits, the check digit and a two-letter country code, as in
// EE123456785CN. It returns nil or an [*S10Error].
func ValidateS10(number string) error {
	if len(number) != 13 {
		return &S10Error{Number: number, Reason: "must have 13 characters"}
	}
	if !upper(number[0:2]) || !upper(number[11:13]) {
		return &S10Error{Number: number, Reason: "must start and end with two capital letters"}
	}
	want, err := S10CheckDigit(number[2:10])
	if err != nil {
		return &S10Error{Number: number, Reason: "characters 3 to 10 must be digits"}
	}
	if number[10] != want {
		return &S10Error{Number: number, Reason: fmt.Sprintf("check digit is %c, want %c", number[10], want)}
	}
	return nil
}

func upper(s string) bool {
	for i := range len(s) {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
