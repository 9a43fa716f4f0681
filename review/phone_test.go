package review

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in   string
		kind PhoneKind
		area string
		num  string
		ext  string
		str  string
	}{
		{"13800138000", Mobile, "", "13800138000", "", "13800138000"},
		{"14083347219", Mobile, "", "14083347219", "", "14083347219"},
		{"16409145341", Mobile, "", "16409145341", "", "16409145341"},
		{"19627311249", Mobile, "", "19627311249", "", "19627311249"},
		{"138 0013 8000", Mobile, "", "13800138000", "", "13800138000"},
		{"138-0013-8000", Mobile, "", "13800138000", "", "13800138000"},
		{"+86 138 0013 8000", Mobile, "", "13800138000", "", "13800138000"},
		{"+86-13800138000", Mobile, "", "13800138000", "", "13800138000"},
		{"0086 13800138000", Mobile, "", "13800138000", "", "13800138000"},
		{"8613800138000", Mobile, "", "13800138000", "", "13800138000"},
		{"１３８００１３８０００", Mobile, "", "13800138000", "", "13800138000"},
		{"0571-87654321", Landline, "0571", "87654321", "", "0571-87654321"},
		{"010-12345678", Landline, "010", "12345678", "", "010-12345678"},
		{"01012345678", Landline, "010", "12345678", "", "010-12345678"},
		{"(0571)87654321", Landline, "0571", "87654321", "", "0571-87654321"},
		{"（0571）8765 4321", Landline, "0571", "87654321", "", "0571-87654321"},
		{"0571-8765432", Landline, "0571", "8765432", "", "0571-8765432"},
		{"0571-8765-4321", Landline, "0571", "87654321", "", "0571-87654321"},
		{"0571-87654321-808", Landline, "0571", "87654321", "808", "0571-87654321-808"},
		{"+86 571 87654321", Landline, "0571", "87654321", "", "0571-87654321"},
		{"020 8888 6666", Landline, "020", "88886666", "", "020-88886666"},
		{"13800138000-1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
		{"13800138000转1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
		{"13800138000,1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
		{"13800138000，1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
		{"13800138000#1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
		{"138 0013 8000 转 1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
		{"+8613800138000-1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := NormalizePhone(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.kind, p.Kind)
			assert.Equal(t, tt.area, p.AreaCode)
			assert.Equal(t, tt.num, p.Number)
			assert.Equal(t, tt.ext, p.Extension)
			assert.Equal(t, tt.str, p.String())
			assert.Equal(t, tt.area+tt.num, p.Full())
		})
	}
}

func TestNormalizePhoneInvalid(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"1380013800",        // 10 digits
		"138001380001",      // 12 digits
		"12800138000",       // 12x is not a mobile prefix
		"23800138000",       // no leading 1 or 0
		"13800138000-123",   // a virtual extension has 4 digits
		"13800138000-12345", // ... not 5
		"13800138000转",      // empty extension
		"0571-876543",       // local number too short
		"0571-876543210",    // ... too long
		"0571-07654321",     // local number starts with 0
		"+1 415 555 0100",   // not Chinese
		"138abc38000",
		"转1234",
		"13800138000\x1b",
		"1380013800\xff",
		"^XA13800138000",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := NormalizePhone(in)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrPhone))
			var pe *PhoneError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, in, pe.Input)
		})
	}
}

func TestNormalizePhoneMobileDoesNotAllocate(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := NormalizePhone("13800138000"); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

func TestPhoneKindString(t *testing.T) {
	assert.Equal(t, "mobile", Mobile.String())
	assert.Equal(t, "landline", Landline.String())
	assert.Equal(t, "virtual", Virtual.String())
	assert.Equal(t, "invalid", PhoneKind(0).String())
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"13800138000", "0571-87654321-8", "+86 138 0013 8000", "13800138000转1234", "（010）1234 5678", "1380013800"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePhone(s)
		if err != nil {
			if !errors.Is(err, ErrPhone) {
				t.Fatalf("error %v does not wrap ErrPhone", err)
			}
			return
		}
		// The canonical form parses to the same number.
		q, err := NormalizePhone(p.String())
		if err != nil {
			t.Fatalf("%q → %q does not parse again: %v", s, p.String(), err)
		}
		if q != p {
			t.Fatalf("%q → %+v, again %+v", s, p, q)
		}
		switch p.Kind {
		case Mobile, Virtual:
			if !isMobile(p.Number) {
				t.Fatalf("%q: %q is not a mobile", s, p.Number)
			}
		case Landline:
			if p.AreaCode == "" || p.AreaCode[0] != '0' {
				t.Fatalf("%q: area code %q", s, p.AreaCode)
			}
		default:
			t.Fatalf("%q: kind %v", s, p.Kind)
		}
	})
}
