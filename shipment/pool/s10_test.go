package pool

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestS10CheckDigit(t *testing.T) {
	tests := []struct {
		serial string
		want   string
	}{
		{"47312482", "9"}, // RR473124829GB: weighted sum 200, 200 mod 11 = 2
		{"12345678", "5"}, // EE123456785CN: weighted sum 204, 204 mod 11 = 6
		{"00000000", "5"}, // sum 0: 11 - 0 = 11 → 5
		{"00300000", "0"}, // sum 12, mod 11 = 1: 11 - 1 = 10 → 0
		{"00000001", "4"}, // sum 7
		{"00000010", "2"}, // sum 9
		{"00001000", "8"}, // sum 3
		{"00100002", "4"}, // sum 4 + 14 = 18, mod 11 = 7
		{"99999999", "5"}, // sum 9*44 = 396 = 36*11
	}
	for _, tt := range tests {
		got, err := S10CheckDigit(tt.serial)
		require.NoError(t, err, tt.serial)
		assert.Equal(t, tt.want, string(got), tt.serial)
	}
	for _, bad := range []string{"", "1234567", "123456789", "1234567a"} {
		_, err := S10CheckDigit(bad)
		assert.ErrorIs(t, err, ErrInvalidS10, bad)
	}
}

func TestValidateS10(t *testing.T) {
	for _, ok := range []string{"RR473124829GB", "EE123456785CN", "CP000000005CN"} {
		assert.NoError(t, ValidateS10(ok), ok)
	}
	for _, bad := range []string{
		"RR473124828GB", // wrong check digit
		"EE123456784CN",
		"ee123456785CN", // lower case
		"EE123456785C1",
		"EE12345678CN",  // short
		"EE1234567X5CN", // letter in serial
		"",
	} {
		err := ValidateS10(bad)
		require.Error(t, err, bad)
		var se *S10Error
		assert.True(t, errors.As(err, &se), bad)
		assert.ErrorIs(t, err, ErrInvalidS10, bad)
	}
}

func FuzzValidateS10(f *testing.F) {
	f.Add("EE123456785CN")
	f.Add("RR473124829GB")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateS10(s) == nil {
			d, err := S10CheckDigit(s[2:10])
			if err != nil || d != s[10] {
				t.Fatalf("%q accepted with bad check digit", s)
			}
		}
	})
}
