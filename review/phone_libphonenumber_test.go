package review

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
)

// libValid asks libphonenumber whether s is a valid number when dialled in region.
func libValid(s, region string) bool {
	n, err := phonenumbers.Parse(s, region)
	return err == nil && phonenumbers.IsValidNumberForRegion(n, region)
}

// TestPhoneAgainstLibphonenumber compares NormalizePhone with Google's
// libphonenumber on generated numbers of every class: every mobile block, every
// area code with 7- and 8-digit local numbers, the written forms of Beijing
// numbers, trunk-0 mobiles, and Hong Kong, Macao and Taiwan numbers. The only
// differences allowed are listed, with the reason.
func TestPhoneAgainstLibphonenumber(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	// Blocks where the numbering plan and libphonenumber's metadata differ: 174
	// holds satellite numbers (1740, 1749) that libphonenumber leaves out; 172
	// and 145/147 are data and IoT blocks that it lists as mobiles, as we do.
	allowed := map[string]bool{"174": true}
	agree, total := 0, 0
	for p := 100; p <= 199; p++ {
		for i := 0; i < 20; i++ {
			s := strconv.Itoa(p) + fmt.Sprintf("%08d", r.IntN(100_000_000))
			_, err := NormalizePhone(s)
			ours, lib := err == nil, libValid(s, "CN")
			total++
			if ours == lib {
				agree++
			} else if !allowed[s[:3]] {
				t.Errorf("mobile %s: ours %v, libphonenumber %v (%v)", s, ours, lib, err)
			}
		}
	}
	for code := range areaCodes {
		area := "0" + strconv.Itoa(int(code))
		for l := 6; l <= 9; l++ {
			for i := 0; i < 3; i++ {
				local := strconv.Itoa(2+r.IntN(8)) + fmt.Sprintf("%0*d", l-1, r.IntN(int(pow10[l-1])))
				s := area + "-" + local
				_, err := NormalizePhone(s)
				ours, lib := err == nil, libValid(s, "CN")
				total++
				switch {
				case ours == lib:
					agree++
				case lib && len(local) == 6 && (local[:2] == "95" || local[:2] == "96"):
					// Service numbers (95xxxx, 96xxxx) dialled with an area
					// code: libphonenumber counts them as fixed lines; a
					// recipient's phone is never one.
				default:
					t.Errorf("landline %s: ours %v, libphonenumber %v (%v)", s, ours, lib, err)
				}
			}
		}
	}
	for _, s := range []string{"+86 10 6552 9988", "010-65529988", "(010)65529988", "010 6552 9988", "013800138000", "+86 571 8765 4321", "0991-1234567", "0991-12345678", "0571-8765432"} {
		_, err := NormalizePhone(s)
		total++
		if ours, lib := err == nil, libValid(s, "CN"); ours == lib {
			agree++
		} else {
			t.Errorf("%s: ours %v, libphonenumber %v (%v)", s, ours, lib, err)
		}
	}
	for _, tt := range []struct{ s, region, lib string }{
		{"+852 9123 4567", "", "HK"}, {"+852 2123 4567", "", "HK"}, {"9123 4567", RegionHK, "HK"}, {"6123 4567", RegionHK, "HK"},
		{"+853 6612 3456", "", "MO"}, {"6612 3456", RegionMO, "MO"},
		{"+886 912 345 678", "", "TW"}, {"0912 345 678", RegionTW, "TW"}, {"02 2345 6789", RegionTW, "TW"}, {"04 2345 6789", RegionTW, "TW"},
	} {
		_, err := NormalizePhoneIn(tt.s, tt.region)
		total++
		if ours, lib := err == nil, libValid(tt.s, tt.lib); ours == lib {
			agree++
		} else {
			t.Errorf("%s (%s): ours %v, libphonenumber %v (%v)", tt.s, tt.lib, ours, lib, err)
		}
	}
	t.Logf("agree with libphonenumber on %d of %d numbers", agree, total)
	assert.Greater(t, agree, total*99/100)
}

var phoneBench = []string{"13800138000", "+86 138 0013 8000", "0571-87654321", "010-65529988", "13800138000转1234", "0991-1234567"}

// BenchmarkNormalizePhoneMix measures our table on a mix of written forms.
func BenchmarkNormalizePhoneMix(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = NormalizePhone(phoneBench[i%len(phoneBench)])
		i++
	}
}

// BenchmarkLibphonenumber measures github.com/nyaruka/phonenumbers on the same mix.
func BenchmarkLibphonenumber(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		libValid(phoneBench[i%len(phoneBench)], "CN")
		i++
	}
}
