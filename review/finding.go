package review

import (
	"golang.org/x/text/language"
)

// Severity ranks a finding. The worst severity of an order decides its [Outcome].
type Severity uint8

// Severities, from mild to grave. The zero Severity is not a valid finding
// severity; in [Config] it means "the default".
const (
	SeverityInfo   Severity = iota + 1 // noted; the order is still approved
	SeverityHold                       // a person must look before the order goes on
	SeverityReject                     // the order cannot go on as it is
)

// String returns "info", "hold" or "reject".
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityHold:
		return "hold"
	case SeverityReject:
		return "reject"
	}
	return "none"
}

// Outcome is what review decides for an order.
type Outcome string

// Outcomes.
const (
	Approve Outcome = "approve" // no finding worse than info
	Hold    Outcome = "hold"    // a person must look
	Reject  Outcome = "reject"  // the order must be corrected or cancelled
)

// OutcomeOf maps the worst severity of an order's findings to its outcome.
func OutcomeOf(worst Severity) Outcome {
	switch {
	case worst >= SeverityReject:
		return Reject
	case worst == SeverityHold:
		return Hold
	}
	return Approve
}

// Code names a kind of finding. Codes are stable: hosts and scripts branch on them.
type Code string

// Finding codes of the built-in rules, with the severity each raises.
const (
	CodeIDMissing        Code = "order.id.missing"          // reject: the order has no id
	CodeDuplicate        Code = "order.duplicate"           // reject: the id appears earlier in the batch or is already stored
	CodeIDInvalid        Code = "order.id.invalid"          // reject: the id holds a control character, a printer command or invalid UTF-8
	CodeFieldSuspicious  Code = "order.suspicious"          // hold: a printed field other than the recipient's holds control characters or printer commands
	CodeMergeCandidate   Code = "order.merge_candidate"     // hold (configurable): same shop, buyer and recipient as other orders
	CodeFlag             Code = "order.flag"                // hold: the order carries a hold flag such as "red"
	CodePlatformUnknown  Code = "order.platform.unknown"    // hold: not one of the platforms of the order JSON
	CodePaidImplausible  Code = "order.paid_at.implausible" // hold: paid before 2000 or in the future
	CodePaidOld          Code = "order.paid_at.old"         // hold: paid longer ago than Config.MaxPaidAge
	CodeMoneyPrecision   Code = "money.precision"           // hold: an amount with fractions of a fen
	CodeStockNegative    Code = "stock.negative"            // hold: the inventory reports fewer than zero units
	CodeBuyerListed      Code = "buyer.blacklisted"         // reject: the buyer is on the blacklist
	CodeNameMissing      Code = "recipient.name.missing"    // reject
	CodePhoneMissing     Code = "recipient.phone.missing"
	CodePhoneInvalid     Code = "recipient.phone.invalid" // reject: not a mobile, landline or virtual number
	CodePhoneListed      Code = "recipient.phone.blacklisted"
	CodePhoneMasked      Code = "recipient.phone.masked" // hold, info with order.Protected: the platform masked the number (138****8000)
	CodeProvinceMissing  Code = "recipient.province.missing"
	CodeProvinceInvalid  Code = "recipient.province.invalid" // reject: not one of the 34 provincial-level divisions
	CodeCityMissing      Code = "recipient.city.missing"
	CodeCityMismatch     Code = "recipient.city.mismatch" // hold: the city is not in the province
	CodeDistrictMissing  Code = "recipient.district.missing"
	CodeDistrictMismatch Code = "recipient.district.mismatch" // hold: the district belongs to another city
	CodeDistrictUnknown  Code = "recipient.district.unknown"  // hold: not a district of the city, nor of any other
	CodeDistrictNear     Code = "recipient.district.near"     // hold: the district's name is written with another suffix
	CodeProvinceNear     Code = "recipient.province.near"     // hold: not a province name, but close to one (广西省)
	CodeCityNear         Code = "recipient.city.near"         // hold: the city's name is written with another suffix
	CodeRenamed          Code = "recipient.division.renamed"  // info: a former name of a renamed or merged division
	CodeAddressInferred  Code = "recipient.address.inferred"  // info: province, city and district were read from the address line
	CodeAddressConflict  Code = "recipient.address.conflict"  // hold: the address line names another province, city or district than the fields
	CodeAddressMissing   Code = "recipient.address.missing"
	CodeAddressListed    Code = "recipient.address.blacklisted"
	CodeSuspicious       Code = "recipient.suspicious" // hold: control characters or printer commands
	CodeItemsMissing     Code = "items.missing"        // reject
	CodeSKUMissing       Code = "item.sku.missing"     // reject
	CodeQtyInvalid       Code = "item.qty.invalid"     // reject: quantity <= 0
	CodePriceNegative    Code = "item.price.negative"  // reject
	CodeSKUUnknown       Code = "item.sku.unknown"     // hold: the price book does not know the SKU
	CodePriceMismatch    Code = "item.price.mismatch"  // hold: unit price differs from the list price
	CodeTotalMismatch    Code = "total.mismatch"       // hold: items − discount + shipping ≠ total
	CodeStockShort       Code = "stock.short"          // hold: not enough left for this order
	CodeStockUnknown     Code = "stock.unknown"        // hold: the inventory does not know the SKU
	CodeReserveFailed    Code = "stock.reserve_failed" // hold: the inventory refused the reservation
	CodeRemarkKeyword    Code = "remark.keyword"       // hold: a remark asks for something a person must do
	CodeRemarkEmoji      Code = "remark.emoji"         // info: printers may not show it
)

// Finding is one thing review noticed about an order.
type Finding struct {
	Code     Code
	Field    string   // JSON path of the field concerned, e.g. "recipient.phone", "items[2].qty"
	Severity Severity // SeverityInfo, SeverityHold or SeverityReject
	Args     []any    // the message arguments, in the order of the code's message
	variant  string   // selects one of several messages of a code
}

// key is the catalog key of the finding's message.
func (f Finding) key() string {
	if f.variant != "" {
		return string(f.Code) + "/" + f.variant
	}
	return string(f.Code)
}

// Message returns the finding's message in the language that best matches tag
// (Simplified Chinese or English; English when nothing matches).
func (f Finding) Message(tag language.Tag) string {
	return NewPrinter(tag).Sprintf(f.key(), f.Args...)
}

// String returns the code, the field and the English message.
func (f Finding) String() string {
	s := string(f.Code)
	if f.Field != "" {
		s += " " + f.Field
	}
	return s + ": " + f.Message(language.English)
}

// Report collects the findings of one order while the rules run.
type Report struct {
	findings []Finding // shared arena of the batch; this order's findings start at start
	start    int
	worst    Severity
}

// Add records a finding. A finding without a severity counts as info.
func (r *Report) Add(f Finding) {
	if f.Severity == 0 {
		f.Severity = SeverityInfo
	}
	if f.Severity > r.worst {
		r.worst = f.Severity
	}
	r.findings = append(r.findings, f)
}

// Findings returns the findings recorded so far for the current order.
func (r *Report) Findings() []Finding { return r.findings[r.start:len(r.findings):len(r.findings)] }

// Worst returns the worst severity recorded so far, or 0 if there is none.
func (r *Report) Worst() Severity { return r.worst }

// Has reports whether a finding with code was recorded for the current order.
func (r *Report) Has(code Code) bool {
	for _, f := range r.findings[r.start:] {
		if f.Code == code {
			return true
		}
	}
	return false
}

// next starts the findings of the next order.
func (r *Report) next() {
	r.start = len(r.findings)
	r.worst = 0
}

// take returns the current order's findings, nil when there are none.
func (r *Report) take() []Finding {
	if len(r.findings) == r.start {
		return nil
	}
	return r.Findings()
}
