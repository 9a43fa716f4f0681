#!/bin/sh
# Regenerates the division tables of the address package.
#
# divisions.txt is the source; it is edited by hand from the official lists:
#   - 民政部 中华人民共和国行政区划代码 (GB/T 2260 updates, published yearly), and
#   - 国家统计局 统计用区划代码和城乡划分代码 (the statistical division codes).
# To bring it up to date: compare each province's prefecture and county lists with
# the newest official list; add new units in code order, rename units and keep the
# old name as a former name (NEW/~OLD), move merged units' names to the unit that
# took them over as former names, and update the date and the counts in the header
# and in TestDataCounts (division_test.go). Then run this script.
set -eu
cd "$(dirname "$0")/.."
go generate .
go test -run 'TestData|TestTables|TestLookup' .
