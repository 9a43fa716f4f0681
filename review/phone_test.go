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
		{"14783347219", Mobile, "", "14783347219", "", "14783347219"},
		{"16609145341", Mobile, "", "16609145341", "", "16609145341"},
		{"013800138000", Mobile, "", "13800138000", "", "13800138000"},
		{"0991-1234567", Landline, "0991", "1234567", "", "0991-1234567"},
		{"+86 10 6552 9988", Landline, "010", "65529988", "", "010-65529988"},
		{"+86 10 65529988", Landline, "010", "65529988", "", "010-65529988"},
		{"+861065529988", Landline, "010", "65529988", "", "010-65529988"},
		{"010-65529988", Landline, "010", "65529988", "", "010-65529988"},
		{"(010)65529988", Landline, "010", "65529988", "", "010-65529988"},
		{"（010）6552-9988", Landline, "010", "65529988", "", "010-65529988"},
		{"010 6552 9988", Landline, "010", "65529988", "", "010-65529988"},
		{"0086 10 6552 9988", Landline, "010", "65529988", "", "010-65529988"},
		{"0571-87654321转808", Landline, "0571", "87654321", "808", "0571-87654321-808"},
		{"0571-87654321分机808", Landline, "0571", "87654321", "808", "0571-87654321-808"},
		{"0571-87654321#808", Landline, "0571", "87654321", "808", "0571-87654321-808"},
		{"0571-87654321,808", Landline, "0571", "87654321", "808", "0571-87654321-808"},
		{"13800138000-转1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
		{"13800138000 分机 1234", Virtual, "", "13800138000", "1234", "13800138000-1234"},
		{"+852 9123 4567", Mobile, "", "91234567", "", "+852 91234567"},
		{"+853 6612 3456", Mobile, "", "66123456", "", "+853 66123456"},
		{"+886 912 345 678", Mobile, "", "912345678", "", "+886 912345678"},
		{"+886 2 2345 6789", Landline, "02", "23456789", "", "+886 2-23456789"},
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
			if p.Region == "" {
				assert.Equal(t, tt.area+tt.num, p.Full())
			}
		})
	}
}

func TestNormalizePhoneInvalid(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"1380013800",  // 10 digits
		"14083347219", // 140-144: IoT blocks, not mobiles
		"14612345678", "14812345678", "14912345678", "15412345678", "16012345678", "16112345678",
		"16312345678", "16412345678", "16812345678", "16912345678", "17912345678", "19412345678",
		"0571-8765432",  // 杭州 numbers have 8 digits
		"0991-12345678", // 乌鲁木齐 numbers have 7
		"0261-12345678", // no area code 026x
		"+852 1234 5678",
		"13800138000-转",
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
	for _, s := range []string{"13800138000", "0571-87654321-8", "+86 138 0013 8000", "13800138000转1234", "（010）1234 5678", "1380013800", "138****8000", "+86 10 6552 9988", "+852 9123 4567", "+886 2 2345 6789", "0571-87654321分机88"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := NormalizePhone(s)
		if err != nil {
			if !errors.Is(err, ErrPhone) && !errors.Is(err, ErrPhoneMasked) {
				t.Fatalf("error %v does not wrap ErrPhone or ErrPhoneMasked", err)
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
		switch {
		case p.Region != "":
			if len(p.Number) < 6 {
				t.Fatalf("%q: %+v", s, p)
			}
		case p.Kind == Mobile, p.Kind == Virtual:
			if !isMobile(p.Number) {
				t.Fatalf("%q: %q is not a mobile", s, p.Number)
			}
		case p.Kind == Landline:
			if p.AreaCode == "" || p.AreaCode[0] != '0' {
				t.Fatalf("%q: area code %q", s, p.AreaCode)
			}
		default:
			t.Fatalf("%q: kind %v", s, p.Kind)
		}
	})
}

func TestNormalizePhoneMasked(t *testing.T) {
	for _, in := range []string{"138****8000", "138＊＊＊＊8000", "1**********", "+86 138****8000", "***********", "0571-****4321"} {
		_, err := NormalizePhone(in)
		require.Error(t, err, in)
		assert.ErrorIs(t, err, ErrPhoneMasked, in)
		assert.NotErrorIs(t, err, ErrPhone, in)
	}
	for _, in := range []string{"138*", "abc**"} {
		_, err := NormalizePhone(in)
		assert.NotErrorIs(t, err, ErrPhoneMasked, in)
	}
}

func TestNormalizePhoneInRegion(t *testing.T) {
	tests := []struct {
		in, region string
		kind       PhoneKind
		full       string
	}{
		{"9123 4567", RegionHK, Mobile, "+85291234567"},
		{"2123-4567", RegionHK, Landline, "+85221234567"},
		{"6612 3456", RegionMO, Mobile, "+85366123456"},
		{"2855 5555", RegionMO, Landline, "+85328555555"},
		{"0912-345-678", RegionTW, Mobile, "+886912345678"},
		{"02-2345-6789", RegionTW, Landline, "+886223456789"},
		{"13800138000", RegionHK, Mobile, "13800138000"}, // a mainland mobile for a Hong Kong address
		{"0571-87654321", RegionTW, Landline, "057187654321"},
	}
	for _, tt := range tests {
		p, err := NormalizePhoneIn(tt.in, tt.region)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.kind, p.Kind, tt.in)
		assert.Equal(t, tt.full, p.Full(), tt.in)
	}
	_, err := NormalizePhone("9123 4567")
	assert.ErrorIs(t, err, ErrPhone, "8 digits are not a mainland number")
	_, err = NormalizePhoneIn("4123 4567", RegionHK)
	assert.ErrorIs(t, err, ErrPhone)
}
