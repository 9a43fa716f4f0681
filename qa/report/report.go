// Package report draws the charts of quality statistics ([qa.Stats]) as SVG and
// PNG and writes them with a self-contained HTML report and summary.json, in
// Chinese or English. The charts are drawn here, with image/png and
// golang.org/x/image; the PNG text uses the host's TrueType fonts.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dadanhq/dadan/qa"
)

// Lang is the language of a report.
type Lang string

// Languages.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

var words = map[string][2]string{
	"report":       {"质检报告", "Quality inspection report"},
	"pareto":       {"缺陷类型帕累托图", "Defects by type (Pareto)"},
	"by_cause":     {"缺陷原因", "Defects by cause"},
	"by_day":       {"每日缺陷数", "Defects per day"},
	"by_hour":      {"缺陷按打印时段", "Defects by hour of printing"},
	"by_operator":  {"缺陷按操作员", "Defects by operator"},
	"by_template":  {"缺陷按模板版本", "Defects by template version"},
	"by_printer":   {"缺陷按打印机", "Defects by printer"},
	"p_chart":      {"每日不合格率 p 控制图", "p-chart of the daily defective rate"},
	"scorecard":    {"操作员每百单缺陷数", "Defects per 100 orders by operator"},
	"trend":        {"操作员每周每百单缺陷数趋势", "Weekly defects per 100 orders by operator"},
	"switching":    {"批检验转移历史", "Switching history of lot inspection"},
	"defects":      {"缺陷数", "defects"},
	"cumulative":   {"累计%", "cum. %"},
	"rate":         {"不合格率", "rate"},
	"center":       {"中心线", "center"},
	"ucl":          {"上控制限", "UCL"},
	"lcl":          {"下控制限", "LCL"},
	"none":         {"无数据", "no data"},
	"critical":     {"致命", "critical"},
	"major":        {"严重", "major"},
	"minor":        {"轻微", "minor"},
	"reduced":      {"放宽", "reduced"},
	"normal":       {"正常", "normal"},
	"tightened":    {"加严", "tightened"},
	"discontinued": {"暂停", "discontinued"},
	"severity":     {"检验严格度", "severity"},
	"operator":     {"操作员", "operator"},
	"template":     {"模板", "template"},
	"printer":      {"打印机", "printer"},
	"system":       {"系统故障", "system"},
	"supplies":     {"耗材", "supplies"},
	"platform":     {"平台数据", "platform data"},
	"other":        {"其他", "other"},
	"summary":      {"概况", "Summary"},
	"printed":      {"期间打印单数", "orders printed"},
	"inspected":    {"抽检单数", "orders inspected"},
	"passed":       {"合格", "passed"},
	"failed":       {"不合格", "failed"},
	"rework":       {"返工：开启 / 关闭 / 未结", "rework: opened / closed / open"},
	"scorecards":   {"操作员质量记分卡", "Operator scorecards"},
	"rework_rate":  {"返工率%", "rework rate %"},
	"causes":       {"原因分析", "Causes"},
	"cause":        {"原因", "cause"},
	"count":        {"数量", "count"},
	"lots":         {"批检验", "Lot inspection"},
	"lot":          {"批", "lot"},
	"code":         {"字码", "code"},
	"sample":       {"样本量", "sample"},
	"accepted":     {"接收", "accepted"},
	"next":         {"下批严格度", "next"},
	"yes":          {"是", "yes"},
	"no":           {"否", "no"},
	"period":       {"期间", "period"},
	"week":         {"周", "week"},
}

func (l Lang) t(key string) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	if l == English {
		return w[1]
	}
	return w[0]
}

func counts(cs []qa.Count, name func(string) string, top int) ([]string, []float64) {
	if top > 0 && len(cs) > top {
		cs = cs[:top]
	}
	var ls []string
	var vs []float64
	for _, c := range cs {
		ls = append(ls, name(c.Key))
		vs = append(vs, float64(c.Count))
	}
	return ls, vs
}

// Charts returns the report's charts for st.
func Charts(st qa.Stats, lang Lang) []Chart {
	id := func(s string) string { return s }
	tr := func(s string) string { return lang.t(s) }
	mk := func(name string, kind Kind) Chart {
		return Chart{Name: name, Title: lang.t(name), Kind: kind, Empty: lang.t("none")}
	}
	var out []Chart

	c := mk("pareto", Bars)
	var vs []float64
	c.Labels, vs = counts(st.ByType, id, 0)
	cum := make([]float64, len(st.ByType))
	for i, x := range st.ByType {
		cum[i] = x.Cumulative
	}
	c.Series = []Series{{Name: lang.t("defects"), Values: vs, Color: blue}, {Name: lang.t("cumulative"), Values: cum, Color: orange, Line: true}}
	out = append(out, c)

	c = mk("by_cause", Bars)
	c.Labels, vs = counts(st.ByCause, tr, 0)
	c.Series = []Series{{Name: lang.t("defects"), Values: vs, Color: blue}}
	out = append(out, c)

	c = mk("by_day", Bars)
	c.Labels, vs = counts(st.ByDay, id, 0)
	c.Series = []Series{{Name: lang.t("defects"), Values: vs, Color: blue}}
	out = append(out, c)

	c = mk("by_hour", Bars)
	c.Labels, vs = counts(st.ByHour, id, 0)
	if st.Defects == 0 {
		c.Labels, vs = nil, nil
	}
	c.Series = []Series{{Name: lang.t("defects"), Values: vs, Color: blue}}
	out = append(out, c)

	for _, k := range []struct {
		name string
		cs   []qa.Count
	}{{"by_operator", st.ByOperator}, {"by_template", st.ByTemplate}, {"by_printer", st.ByPrinter}} {
		c = mk(k.name, HBars)
		c.Labels, vs = counts(k.cs, id, 15)
		c.Series = []Series{{Name: lang.t("defects"), Values: vs, Color: blue}}
		out = append(out, c)
	}

	c = mk("p_chart", Lines)
	var p, ucl, lcl []float64
	var marks []bool
	for _, pt := range st.PChart.Points {
		c.Labels = append(c.Labels, pt.Day)
		p, ucl, lcl, marks = append(p, pt.P), append(ucl, pt.UCL), append(lcl, pt.LCL), append(marks, pt.Out)
	}
	center := make([]float64, len(p))
	for i := range center {
		center[i] = st.PChart.Center
	}
	c.Series = []Series{{Name: lang.t("rate"), Values: p, Color: blue, Marks: marks, MarkColor: red},
		{Name: lang.t("ucl"), Values: ucl, Color: red, Dashed: true},
		{Name: lang.t("center"), Values: center, Color: green, Dashed: true},
		{Name: lang.t("lcl"), Values: lcl, Color: red, Dashed: true}}
	out = append(out, c)

	c = mk("scorecard", HBars)
	var crit, maj, mnr []float64
	for _, sc := range st.Scorecards {
		c.Labels = append(c.Labels, sc.Operator)
		crit, maj, mnr = append(crit, sc.Critical), append(maj, sc.Major), append(mnr, sc.Minor)
	}
	c.Series = []Series{{Name: lang.t("critical"), Values: crit, Color: red},
		{Name: lang.t("major"), Values: maj, Color: orange}, {Name: lang.t("minor"), Values: mnr, Color: blue}}
	out = append(out, c)

	c = mk("trend", Lines)
	var weeks []string
	for _, sc := range st.Scorecards {
		for _, w := range sc.Weeks {
			if !slices.Contains(weeks, w.Week) {
				weeks = append(weeks, w.Week)
			}
		}
	}
	slices.Sort(weeks)
	c.Labels = weeks
	for i, sc := range st.Scorecards {
		if i == len(palette) {
			break
		}
		vals := make([]float64, len(weeks))
		for _, w := range sc.Weeks {
			vals[slices.Index(weeks, w.Week)] = w.DefectsPer100
		}
		c.Series = append(c.Series, Series{Name: sc.Operator, Values: vals, Color: palette[i]})
	}
	out = append(out, c)

	c = mk("switching", Lines)
	c.YTicks = []string{lang.t("reduced"), lang.t("normal"), lang.t("tightened"), lang.t("discontinued")}
	level := map[qa.Regime]float64{qa.Reduced: 0, qa.Normal: 1, qa.Tightened: 2, qa.Discontinued: 3}
	var lv []float64
	var rejected []bool
	for _, l := range st.Switching {
		if l.Resume {
			continue
		}
		c.Labels = append(c.Labels, fmt.Sprint(l.Seq))
		lv, rejected = append(lv, level[l.Regime]), append(rejected, !l.Accepted)
	}
	c.Series = []Series{{Name: lang.t("severity"), Values: lv, Color: green, Marks: rejected, MarkColor: red}}
	out = append(out, c)
	return out
}

// Files receives the report's files: Create returns a writer for name, which
// Write closes.
type Files interface {
	Create(name string) (io.WriteCloser, error)
}

// Write writes report.html, each chart as name.svg and name.png, and
// summary.json (st itself: the counts the charts show). With nil fonts the
// PNG charts have no text.
func Write(files Files, st qa.Stats, lang Lang, fonts *Fonts) error {
	charts := Charts(st, lang)
	put := func(name string, fn func(io.Writer) error) error {
		w, err := files.Create(name)
		if err != nil {
			return err
		}
		if err := fn(w); err != nil {
			w.Close()
			return fmt.Errorf("report: %s: %w", name, err)
		}
		return w.Close()
	}
	svgs := map[string]string{}
	for i := range charts {
		ch := &charts[i]
		var b bytes.Buffer
		if err := ch.SVG(&b); err != nil {
			return err
		}
		svgs[ch.Name] = b.String()
		if err := put(ch.Name+".svg", func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
			return err
		}
		if err := put(ch.Name+".png", func(w io.Writer) error { return ch.PNG(w, fonts) }); err != nil {
			return err
		}
	}
	if err := put("summary.json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(st)
	}); err != nil {
		return err
	}
	return put("report.html", func(w io.Writer) error { return writeHTML(w, st, lang, charts, svgs) })
}

func writeHTML(w io.Writer, st qa.Stats, lang Lang, charts []Chart, svgs map[string]string) error {
	var b strings.Builder
	e := html.EscapeString
	t := lang.t
	htmlLang := "zh-CN"
	if lang == English {
		htmlLang = "en"
	}
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="%s"><head><meta charset="utf-8"><title>%s</title>
<style>body{font-family:"Noto Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}figure{margin:16px 0}svg{max-width:100%%;height:auto}</style>
</head><body>
<h1>%s</h1>
`, htmlLang, e(t("report")), e(t("report")))
	if st.From != "" || st.To != "" {
		fmt.Fprintf(&b, "<p>%s: %s – %s</p>\n", e(t("period")), e(st.From), e(st.To))
	}
	fmt.Fprintf(&b, "<h2>%s</h2>\n<table>\n", e(t("summary")))
	row := func(k string, v any) { fmt.Fprintf(&b, "<tr><td>%s</td><td>%v</td></tr>\n", e(t(k)), v) }
	row("printed", st.Printed)
	row("inspected", st.Inspected)
	row("passed", st.Passed)
	row("failed", st.Failed)
	row("defects", st.Defects)
	for _, c := range st.BySeverity {
		row(c.Key, c.Count)
	}
	row("rework", fmt.Sprintf("%d / %d / %d", st.Rework.Opened, st.Rework.Closed, st.Rework.Open))
	b.WriteString("</table>\n")
	for _, ch := range charts {
		fmt.Fprintf(&b, "<figure id=\"%s\">\n%s</figure>\n", e(ch.Name), svgs[ch.Name])
	}
	fmt.Fprintf(&b, "<h2>%s</h2>\n<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
		e(t("scorecards")), e(t("operator")), e(t("inspected")), e(t("failed")), e(t("critical")), e(t("major")), e(t("minor")), e(t("rework_rate")))
	for _, sc := range st.Scorecards {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%d</td><td>%d</td><td>%v</td><td>%v</td><td>%v</td><td>%v</td></tr>\n",
			e(sc.Operator), sc.Inspected, sc.Failed, sc.Critical, sc.Major, sc.Minor, sc.ReworkRate)
	}
	b.WriteString("</table>\n")
	fmt.Fprintf(&b, "<h2>%s</h2>\n", e(t("causes")))
	for _, g := range []struct {
		key string
		gs  []qa.CauseGroup
	}{{"template", st.CauseByTemplate}, {"printer", st.CauseByPrinter}} {
		fmt.Fprintf(&b, "<table><tr><th>%s</th><th>%s</th><th>%s</th></tr>\n", e(t("cause")), e(t(g.key)), e(t("count")))
		for _, x := range g.gs {
			fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%d</td></tr>\n", e(t(string(x.Cause))), e(x.Key), x.Count)
		}
		b.WriteString("</table>\n")
	}
	fmt.Fprintf(&b, "<h2>%s</h2>\n<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
		e(t("lots")), e(t("lot")), e(t("severity")), e(t("code")), e(t("sample")), e(t("defects")), e(t("accepted")), e(t("next")))
	for _, l := range st.Switching {
		acc := t("no")
		if l.Accepted {
			acc = t("yes")
		}
		fmt.Fprintf(&b, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td></tr>\n",
			l.Seq, e(t(string(l.Regime))), e(l.Code), l.Sample, l.Defects, e(acc), e(t(string(l.Next))))
	}
	b.WriteString("</table>\n</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Dir is a directory that receives a report's files.
type Dir string

// Create implements [Files]: it creates or truncates the file name in d.
func (d Dir) Create(name string) (io.WriteCloser, error) {
	return os.Create(filepath.Join(string(d), name))
}
