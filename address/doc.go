// Package address knows China's administrative divisions and splits one-line
// postal addresses.
//
// The division tables (tables_gen.go) are generated from data/divisions.txt, a
// text file of every provincial-level, prefecture-level and county-level unit
// (GB/T 2260 and the 2023 statistical division codes; the file header says
// exactly what it covers), with short forms, former names of renamed and merged
// units (江干区 → 上城区, 莱芜市 → 济南市), the official placeholders (市辖区, 县,
// 省直辖县级行政区划), cities without county level (东莞市) and functional zones
// (苏州工业园区, 高新区). Run go generate in this directory after editing the data
// file; data/refresh.sh says how to bring the file up to date.
//
// Lookups ([LookupProvince], [LookupCity], [LookupCounty]) accept the full
// name, short forms and former names, say how the name matched ([Match]) and do
// not allocate. [Split] splits a one-line address into province, city,
// district, street and detail.
package address
