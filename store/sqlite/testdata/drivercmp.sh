#!/usr/bin/env bash
# Compares the store on its two cgo-free SQLite drivers: modernc.org/sqlite (what
# store/sqlite uses) and github.com/ncruces/go-sqlite3 (SQLite in WebAssembly on
# wazero). It builds a scratch module outside the repository with two copies of
# store/sqlite, the second with its driver swapped, and runs the same benchmarks
# and conformance tests on both. The repository's go.mod is not touched.
#
#   bash store/sqlite/testdata/drivercmp.sh [scratch dir]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
dir=${1:-$(mktemp -d)}
cd "$dir"
cat > go.mod <<MOD
module drivercmp

go 1.26.0

require github.com/dadanhq/dadan v0.0.0

replace github.com/dadanhq/dadan => $repo
MOD
for d in modernc ncruces; do
  rm -rf "$d" && mkdir "$d"
  cp "$repo"/store/sqlite/*.go "$d"/ && cp -r "$repo/store/sqlite/migrations" "$d"/
  rm "$d"/example_test.go "$d"/migrate_test.go
  sed -i "s#\"github.com/dadanhq/dadan/store/sqlite\"#sqlite \"drivercmp/$d\"#" "$d"/*_test.go
done
cd ncruces
python3 - <<'PY'
import re
s = open('errors.go').read()
s = s.replace('\tsqlite "modernc.org/sqlite"\n\tsqlite3 "modernc.org/sqlite/lib"\n', '\tsqlite3 "github.com/ncruces/go-sqlite3"\n')
s = s.replace('var se *sqlite.Error', 'var se *sqlite3.Error').replace('return se.Code() & 0xff', 'return int(se.Code())')
for k, v in {'FULL': 13, 'NOTADB': 26, 'READONLY': 8, 'PERM': 3, 'BUSY': 5, 'LOCKED': 6, 'CORRUPT': 11, 'CONSTRAINT': 19}.items():
    s = s.replace('sqlite3.SQLITE_' + k, str(v))
open('errors.go', 'w').write(s)
s = open('sqlite.go').read()
s = s.replace('sqlite "modernc.org/sqlite"', 'ncdriver "github.com/ncruces/go-sqlite3/driver"')
s = s.replace('(&sqlite.Driver{}).Open(s.dsn(false))', '(&ncdriver.SQLite{}).Open(s.dsn(false))')
s = re.sub(r'rc, err := sqlite\.NewConnector\(s\.dsn\(true\)\)\n\tif err != nil \{\n\t\treturn err\n\t\}\n\ts\.rdb = sql\.OpenDB\(rc\)',
           'rdb, err := ncdriver.Open(s.dsn(true))\n\tif err != nil {\n\t\treturn err\n\t}\n\ts.rdb = rdb', s)
open('sqlite.go', 'w').write(s)
PY
cd ..
go get github.com/ncruces/go-sqlite3@v0.37.0 >/dev/null 2>&1
go mod tidy >/dev/null 2>&1
go test -count 1 -run 'TestOrders|TestJobStore|TestDurable' ./modernc ./ncruces
for d in modernc ncruces; do go test -c -o "$d.test" "./$d"; done
for run in 1 2; do
  for d in modernc ncruces; do
    echo "== $d"
    "./$d.test" -test.run '^$' -test.bench 'Ingest100k|ListOrders' -test.benchtime 1x | grep Benchmark
    "./$d.test" -test.run '^$' -test.bench 'SimpleWrite|CreateOrder/goroutines=256/sync=NORMAL|UpdateOrder|JobCycle' -test.benchtime 20000x | grep Benchmark
  done
done
ls -l modernc.test ncruces.test
