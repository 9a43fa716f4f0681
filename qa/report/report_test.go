package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/qa"
)

var t0 = time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC)

// fixture: three operators over two weeks, one of them with a hostile name.
func fixture() qa.Stats {
	var ins []qa.Inspection
	ops := []string{"张三", "bob", `<script>alert(1)</script>^XA`}
	types := []string{"address", "blurred", "cut_off", "smudge"}
	causes := []qa.Cause{qa.CausePlatform, qa.CausePrinter, qa.CauseTemplate, qa.CauseSupplies}
	sev := []qa.Severity{qa.Major, qa.Major, qa.Critical, qa.Minor}
	for i := range 300 {
		at := t0.Add(time.Duration(i) * 67 * time.Minute)
		in := qa.Inspection{ID: strconv.Itoa(i), Seq: int64(i + 1), Order: "O" + strconv.Itoa(i), Time: at.Add(time.Hour), PrintedAt: at,
			Round: 1, Result: qa.Pass, Operator: ops[i%3],
			Docs: []qa.Doc{{Kind: "waybill", Template: "waybill-76x130", Version: strconv.Itoa(1 + i%2), Printer: "zebra-" + strconv.Itoa(i%4)}}}
		if i%7 == 0 || i%11 == 0 {
			k := (i / 7) % 4
			in.Defects = []qa.Defect{{Type: types[k], Severity: sev[k], Cause: causes[k]}}
			if sev[k] != qa.Minor {
				in.Result = qa.Fail
			}
		}
		ins = append(ins, in)
	}
	lots := []qa.Lot{}
	for i, acc := range []bool{true, false, false, true, true, true, true, true} {
		r := qa.Normal
		if i >= 3 {
			r = qa.Tightened
		}
		lots = append(lots, qa.Lot{Seq: int64(i + 1), Time: t0, Regime: r, Accepted: acc, Code: "J", Sample: 80})
	}
	return qa.Analyze(ins, lots, qa.StatsOptions{})
}

func write(t *testing.T, lang Lang) (string, qa.Stats) {
	fonts, err := LoadFonts()
	if err != nil {
		t.Skipf("no font for PNG text: %v (CI installs fonts-arphic-gbsn00lp)", err)
	}
	dir := t.TempDir()
	st := fixture()
	require.NoError(t, Write(Dir(dir), st, lang, fonts))
	return dir, st
}

func TestWrite(t *testing.T) {
	dir, _ := write(t, Chinese)
	raw, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	var sum qa.Stats
	require.NoError(t, json.Unmarshal(raw, &sum))
	require.Positive(t, sum.Defects)

	for _, ch := range Charts(sum, Chinese) {
		// PNG: the expected size, something drawn in the plot area.
		f, err := os.Open(filepath.Join(dir, ch.Name+".png"))
		require.NoError(t, err)
		img, err := png.Decode(f)
		f.Close()
		require.NoError(t, err, ch.Name)
		require.Equal(t, image.Rect(0, 0, Width, Height), img.Bounds(), ch.Name)
		assert.Greater(t, inked(img, image.Rect(Plot.X0+1, Plot.Y0, Plot.X1, Plot.Y1-1)), 400, "%s: the plot area has marks", ch.Name)
		assert.Greater(t, inked(img, image.Rect(Width/2-100, 10, Width/2+100, 36)), 60, "%s: the title is drawn", ch.Name)

		// SVG: well-formed XML.
		b, err := os.ReadFile(filepath.Join(dir, ch.Name+".svg"))
		require.NoError(t, err)
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := d.Token()
			if err != nil {
				require.ErrorContains(t, err, "EOF", ch.Name)
				break
			}
		}
	}

	// The numbers of the charts are those of summary.json.
	bars := func(name string) map[string]float64 {
		b, err := os.ReadFile(filepath.Join(dir, name+".svg"))
		require.NoError(t, err)
		out := map[string]float64{}
		re := regexp.MustCompile(`data-key="([^"]*)" data-value="([^"]*)"`)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			v, err := strconv.ParseFloat(m[2], 64)
			require.NoError(t, err)
			out[xmlUnescape(m[1])] += v
		}
		return out
	}
	for name, cs := range map[string][]qa.Count{"pareto": sum.ByType, "by_day": sum.ByDay, "by_operator": sum.ByOperator,
		"by_printer": sum.ByPrinter, "by_template": sum.ByTemplate} {
		want := map[string]float64{}
		for _, c := range cs {
			want[c.Key] = float64(c.Count)
		}
		assert.Equal(t, want, bars(name), name)
	}
	hours := bars("by_hour")
	for _, c := range sum.ByHour {
		assert.Equal(t, float64(c.Count), hours[c.Key], "hour %s", c.Key)
	}
	total := 0.0
	for _, v := range bars("by_cause") {
		total += v
	}
	assert.Equal(t, float64(sum.Defects), total)

	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	s := string(page)
	assert.NotContains(t, s, "<script>", "untrusted names are escaped")
	assert.Contains(t, s, "&lt;script&gt;")
	assert.Contains(t, s, "质检报告")
	assert.Contains(t, s, "帕累托")
	assert.Equal(t, len(Charts(sum, Chinese)), strings.Count(s, "<svg "), "every chart inline: the page stands alone")
	assert.NotContains(t, s, "src=", "no external resources")
}

func TestEnglish(t *testing.T) {
	dir, _ := write(t, English)
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "Quality inspection report")
	assert.Contains(t, string(page), "Defects by type (Pareto)")
	assert.NotContains(t, string(page), "质检报告")
}

func TestEmptyCharts(t *testing.T) {
	st := qa.Analyze(nil, nil, qa.StatsOptions{})
	for _, ch := range Charts(st, English) {
		var b bytes.Buffer
		require.NoError(t, ch.PNG(&b, nil))
		img, err := png.Decode(&b)
		require.NoError(t, err)
		assert.Equal(t, Width, img.Bounds().Dx())
		var s bytes.Buffer
		require.NoError(t, ch.SVG(&s))
		assert.Contains(t, s.String(), "no data", ch.Name)
	}
}

// inked counts the pixels in r that are not white.
func inked(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0xf000 || cg < 0xf000 || cb < 0xf000 {
				n++
			}
		}
	}
	return n
}

func xmlUnescape(s string) string {
	var out string
	require := xml.NewDecoder(strings.NewReader("<a>" + s + "</a>"))
	for {
		tok, err := require.Token()
		if err != nil {
			return out
		}
		if cd, ok := tok.(xml.CharData); ok {
			out += string(cd)
		}
	}
}
