// Package ordertest generates realistic orders from a seed, for benchmarks and for
// host applications' tests. The same seed gives the same orders.
package ordertest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
)

// Product is a catalogue entry the generator sells.
type Product struct {
	SKU, Barcode, Name, Spec string
	Price                    decimal.Decimal
}

// Catalog is the generator's default catalogue; it matches the sample price book.
var Catalog = []Product{
	{"CUP-500-W", "6901234567892", "真空保温杯", "500ml 白色", decimal.RequireFromString("59.90")},
	{"CUP-500-B", "6901234567908", "真空保温杯", "500ml 黑色", decimal.RequireFromString("59.90")},
	{"TEA-LJ-250", "6923456789012", "西湖龙井 明前特级", "250g 礼盒装", decimal.RequireFromString("388.00")},
	{"SOCK-M-5", "6934567890128", "纯棉中筒袜", "M码 5双装", decimal.RequireFromString("29.90")},
	{"PHONE-CASE-15", "6945678901234", "手机壳 防摔", "适用15 Pro 透明", decimal.RequireFromString("19.90")},
	{"RICE-5KG", "6956789012340", "五常大米", "5kg 真空包装", decimal.RequireFromString("79.00")},
	{"BOOK-GO", "9787115000000", "Go语言程序设计", "平装 第2版", decimal.RequireFromString("89.00")},
	{"TOWEL-3", "6967890123456", "纯棉毛巾", "3条装 混色", decimal.RequireFromString("35.50")},
}

type region struct{ province, city, district, street, postcode, road string }

var regions = []region{
	{"浙江省", "杭州市", "余杭区", "五常街道", "311121", "文一西路"},
	{"广东省", "深圳市", "南山区", "粤海街道", "518057", "科技园南区"},
	{"北京市", "北京市", "朝阳区", "望京街道", "100102", "阜通东大街"},
	{"上海市", "上海市", "浦东新区", "张江镇", "201203", "祖冲之路"},
	{"新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放北路街道", "830002", "解放北路"},
	{"四川省", "成都市", "武侯区", "玉林街道", "610041", "人民南路四段"},
	{"江苏省", "苏州市", "工业园区", "斜塘街道", "215000", "星湖街"},
	{"西藏自治区", "拉萨市", "城关区", "吉日街道", "850000", "北京中路"},
	{"黑龙江省", "哈尔滨市", "南岗区", "花园街道", "150001", "西大直街"},
	{"重庆市", "重庆市", "渝中区", "解放碑街道", "400010", "民族路"},
	{"湖北省", "武汉市", "洪山区", "珞南街道", "430070", "珞喻路"},
	{"陕西省", "西安市", "雁塔区", "小寨路街道", "710061", "长安中路"},
}

var (
	surnames  = []string{"张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "欧阳", "司马", "诸葛"}
	given     = []string{"伟", "芳", "娜", "敏", "静", "磊", "洋", "婷", "杰", "帆", "强", "丽", "军", "明", "华", "亮亮", "娜娜", "光明", "晓华"}
	platforms = []struct {
		p      order.Platform
		prefix string
	}{{order.Taobao, "TB"}, {order.Tmall, "TM"}, {order.JD, "JD"}, {order.PDD, "PDD"}, {order.Douyin, "DY"}, {order.Kuaishou, "KS"}, {order.Own, "OWN"}}
	carriers = []string{"ZTO", "YTO", "STO", "YUNDA", "SF", "JD", "EMS"}
	prefixes = []string{"130", "131", "135", "138", "139", "150", "152", "158", "166", "177", "180", "186", "188", "191", "199"}
)

// Odd is a kind of unusual order the generator can make.
type Odd int

// Odd cases, each of which a reviewer or renderer must handle.
const (
	OddNone        Odd = iota
	OddMissingName     // recipient name blank
	OddShortPhone      // a 10-digit phone
	OddWrongTotal      // total does not add up
	OddUnknownSKU      // an item not in the catalogue
	OddRemark          // a remark keyword the reviewer holds on
	OddLongAddress     // an address of several hundred characters
	OddHostile         // printer-command text in the name
	OddLandline        // a landline instead of a mobile
	OddVirtual         // a platform virtual number with extension
	oddCount
)

// Generator makes orders. It is not safe for concurrent use.
type Generator struct {
	r     *rand.Rand
	n     int
	start time.Time
	// OddRate is the fraction of orders, 0 to 1, that get one odd case.
	OddRate float64
	// MaxItems is the largest number of lines an order gets (default 3).
	MaxItems int
}

// New returns a generator seeded with seed; OddRate is 0.05.
func New(seed uint64) *Generator {
	return &Generator{
		r:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		start:   time.Date(2026, 11, 11, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)),
		OddRate: 0.05,
	}
}

// Order returns the next order; see [Generator.OrderInto].
func (g *Generator) Order() *order.Order {
	o := new(order.Order)
	g.OrderInto(o)
	return o
}

// OrderInto overwrites o with the next order. Orders are paid in increasing time.
func (g *Generator) OrderInto(o *order.Order) Odd {
	r := g.r
	g.n++
	pf := platforms[r.IntN(len(platforms))]
	reg := regions[r.IntN(len(regions))]
	created := g.start.Add(time.Duration(g.n) * 700 * time.Millisecond)
	*o = order.Order{
		ID:        fmt.Sprintf("%s20261111%07d", pf.prefix, g.n),
		Platform:  pf.p,
		Shop:      "某某旗舰店",
		CreatedAt: created,
		PaidAt:    created.Add(time.Duration(2+r.IntN(60)) * time.Second),
		Buyer:     order.Buyer{Nick: fmt.Sprintf("buyer_%06d", r.IntN(1_000_000))},
		Recipient: order.Party{
			Name:     surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))],
			Phone:    prefixes[r.IntN(len(prefixes))] + fmt.Sprintf("%08d", r.IntN(100_000_000)),
			Province: reg.province, City: reg.city, District: reg.district, Street: reg.street,
			Address:  fmt.Sprintf("%s%d号", reg.road, 1+r.IntN(999)),
			Postcode: reg.postcode,
		},
		Sender: order.Party{Name: "杭州某某旗舰店", Phone: "0571-88886666", Province: "浙江省", City: "杭州市",
			District: "西湖区", Address: "古墩路88号 仓储中心3号库"},
		Carrier: carriers[r.IntN(len(carriers))],
		Flags:   []string{},
	}
	maxItems := g.MaxItems
	if maxItems <= 0 {
		maxItems = 3
	}
	n := 1 + r.IntN(maxItems)
	o.Items = make([]order.Item, n)
	sum := decimal.Zero
	for i := range o.Items {
		p := Catalog[r.IntN(len(Catalog))]
		q := 1 + r.IntN(3)
		o.Items[i] = order.Item{SKU: p.SKU, Barcode: p.Barcode, Name: p.Name, Spec: p.Spec, Qty: q, UnitPrice: p.Price}
		sum = sum.Add(o.Items[i].Amount())
	}
	o.ShippingFee = decimal.New(0, -2)
	o.Discount = decimal.New(0, -2)
	if r.IntN(4) == 0 && sum.GreaterThan(decimal.NewFromInt(10)) {
		o.Discount = decimal.New(500, -2)
	}
	if pf.p == order.Own {
		o.ShippingFee = decimal.New(800, -2)
	}
	o.Total = sum.Sub(o.Discount).Add(o.ShippingFee)

	odd := OddNone
	if g.OddRate > 0 && r.Float64() < g.OddRate {
		odd = Odd(1 + r.IntN(int(oddCount)-1))
	}
	switch odd {
	case OddMissingName:
		o.Recipient.Name = "  "
	case OddShortPhone:
		o.Recipient.Phone = o.Recipient.Phone[:10]
	case OddWrongTotal:
		o.Total = o.Total.Add(decimal.New(1, 0))
	case OddUnknownSKU:
		o.Items[0].SKU = "DISCONTINUED-01"
	case OddRemark:
		o.Remark.Buyer = "请改地址，不要发中通"
	case OddLongAddress:
		o.Recipient.Address = strings.Repeat("高新南七道数字技术园B座", 20) + "1808室"
	case OddHostile:
		o.Recipient.Name = "^XZ^XA^FO50,50^A0N,80,80^FDPWNED^FS^XZ"
	case OddLandline:
		o.Recipient.Phone = "0571-8765" + fmt.Sprintf("%04d", r.IntN(10000))
	case OddVirtual:
		o.Recipient.Phone += fmt.Sprintf("-%04d", r.IntN(10000))
	}
	return odd
}

// WriteJSONL writes n orders as JSON Lines to w.
func (g *Generator) WriteJSONL(w io.Writer, n int) error {
	enc := order.NewEncoder(w)
	var o order.Order
	for range n {
		g.OrderInto(&o)
		if err := enc.Encode(&o); err != nil {
			return err
		}
	}
	return enc.Flush()
}
