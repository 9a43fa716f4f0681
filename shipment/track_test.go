package shipment_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/sqlite"
)

func TestNormalise(t *testing.T) {
	for in, want := range map[string]shipment.State{
		"0": shipment.InTransit, "1": shipment.InTransit, "2": shipment.Exception, "3": shipment.Delivered,
		"4": shipment.Returned, "5": shipment.OutForDelivery, "6": shipment.Returned, "7": shipment.InTransit,
		"8": shipment.InTransit, "14": shipment.Returned,
		"在途": shipment.InTransit, "揽收": shipment.InTransit, "疑难": shipment.Exception, "签收": shipment.Delivered,
		"退签": shipment.Returned, "派件": shipment.OutForDelivery, "退回": shipment.Returned, "转投": shipment.InTransit,
		"清关": shipment.InTransit, "拒签": shipment.Returned,
		"301": shipment.Delivered, "501": shipment.OutForDelivery, "1401": shipment.Returned, "201": shipment.Exception,
		"delivered": shipment.Delivered, " IN_TRANSIT ": shipment.InTransit, "signed": shipment.Delivered,
	} {
		got, ok := shipment.Normalise(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "9", "99", "飞行", "12345", "-1"} {
		_, ok := shipment.Normalise(in)
		assert.False(t, ok, in)
	}
}

const push = `{"status":"polling","billstatus":"check","message":"","lastResult":{"message":"ok","state":"3","status":"200",
"condition":"F00","ischeck":"1","com":"zhongtong","nu":"ZT6000000001","data":[
{"context":"【杭州市】已签收，签收人：本人","time":"2026-11-13 09:30:00","ftime":"2026-11-13 09:30:00","areaName":"浙江,杭州市"},
{"context":"【杭州市】派件员正在派件","time":"2026-11-13 08:00:00","status":"派件","areaName":"浙江,杭州市"},
{"context":"【上海市】已发往杭州","time":"2026-11-12 20:00:00","status":"在途","statusCode":"0"},
{"context":"【上海市】已揽收","time":"2026-11-12 18:00:00","status":"揽收"}]}}`

func TestParseKuaidi100(t *testing.T) {
	evs, err := shipment.ParseKuaidi100([]byte(push))
	require.NoError(t, err)
	require.Len(t, evs, 4)
	assert.Equal(t, "ZT6000000001", evs[0].TrackingNo)
	assert.Equal(t, shipment.Delivered, evs[0].State, "the newest step takes lastResult.state")
	assert.Equal(t, "3", evs[0].Code)
	assert.Equal(t, shipment.OutForDelivery, evs[1].State)
	assert.Equal(t, shipment.InTransit, evs[2].State)
	assert.Equal(t, shipment.InTransit, evs[3].State)
	assert.Equal(t, "kuaidi100", evs[0].Source)
	assert.Equal(t, "浙江,杭州市", evs[0].Location)
	assert.Contains(t, evs[0].Text, "已签收")
	assert.True(t, evs[0].Time.Equal(time.Date(2026, 11, 13, 1, 30, 0, 0, time.UTC)), "courier times are China time")

	for _, bad := range []string{`{`, `{"lastResult":{}}`, `{"lastResult":{"nu":"X","data":[{"time":"yesterday"}]}}`, `[]`} {
		_, err := shipment.ParseEvents([]byte(bad))
		assert.ErrorIs(t, err, shipment.ErrEvent, bad)
	}
}

func TestParseLine(t *testing.T) {
	ev, err := shipment.ParseLine([]byte(`{"tracking_no":" ZT1 ","time":"2026-11-12T10:00:00+08:00","status":"in_transit","text":"到达杭州","location":"杭州"}`))
	require.NoError(t, err)
	assert.Equal(t, "ZT1", ev.TrackingNo)
	assert.Equal(t, shipment.InTransit, ev.State)
	assert.Equal(t, "杭州", ev.Location)
	ev, err = shipment.ParseLine([]byte(`{"tracking_no":"ZT1","time":"2026-11-12 10:00:00","status":"whatever","text":"x"}`))
	require.NoError(t, err)
	assert.Empty(t, ev.State, "an unknown status only says where the parcel is")
	for _, bad := range []string{`{"time":"2026-11-12 10:00:00"}`, `{"tracking_no":"ZT1","time":""}`, `{"tracking_no":1}`, `nope`} {
		_, err := shipment.ParseEvents([]byte(bad))
		assert.ErrorIs(t, err, shipment.ErrEvent, bad)
	}
}

func FuzzParseEvents(f *testing.F) {
	f.Add([]byte(push))
	f.Add([]byte(`{"tracking_no":"ZT1","time":"2026-11-12 10:00:00","status":"3","text":"x"}`))
	f.Add([]byte(`{"lastResult":{"nu":"A","state":"14","data":[]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := shipment.ParseEvents(b)
		if err != nil {
			return
		}
		for _, ev := range evs {
			if ev.TrackingNo == "" || ev.Time.IsZero() {
				t.Fatalf("event without number or time: %+v", ev)
			}
			if ev.State != "" && !ev.State.Valid() {
				t.Fatalf("state %q", ev.State)
			}
		}
	})
}

// handedOver stores a shipment the courier holds.
func handedOver(t *testing.T, s shipment.Store, no string) {
	t.Helper()
	require.NoError(t, s.CreateShipment(context.Background(), &shipment.Shipment{TrackingNo: no, OrderID: "O-" + no,
		Carrier: "ZTO", State: shipment.HandedOver, HandedOverAt: t0}))
}

func TestIngest(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	handedOver(t, s, "ZT6000000001")
	require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "ZT6000000002", OrderID: "O2", Carrier: "ZTO", State: shipment.Packed}))
	evs, err := shipment.ParseKuaidi100([]byte(push))
	require.NoError(t, err)
	// Oldest first would be the usual order; kuaidi100 sends newest first.
	as, err := shipment.Ingest(ctx, s, evs)
	require.NoError(t, err)
	require.Len(t, as, 4)
	assert.True(t, as[0].Moved)
	assert.Equal(t, shipment.Delivered, as[0].To)
	for _, a := range as[1:] {
		assert.True(t, a.Added)
		assert.False(t, a.Moved, "older steps arrive late and move nothing back")
	}
	sh, err := s.GetShipment(ctx, "ZT6000000001")
	require.NoError(t, err)
	assert.Equal(t, shipment.Delivered, sh.State)

	// The same push again: nothing new.
	as, err = shipment.Ingest(ctx, s, evs)
	require.NoError(t, err)
	for _, a := range as {
		assert.False(t, a.Added)
		assert.False(t, a.Moved)
	}
	stored, err := s.Events(ctx, "ZT6000000001")
	require.NoError(t, err)
	assert.Len(t, stored, 4)
	assert.Contains(t, stored[0].Text, "已揽收", "events in time order")

	// Unknown numbers and parcels not handed over.
	as, err = shipment.Ingest(ctx, s, []shipment.Event{
		{TrackingNo: "NOPE", Time: t0, State: shipment.InTransit},
		{TrackingNo: "ZT6000000002", Time: t0, State: shipment.InTransit, Text: "揽收"},
	})
	require.NoError(t, err)
	assert.ErrorIs(t, as[0].Err, shipment.ErrNotFound)
	assert.False(t, as[0].Added)
	var te *shipment.TransitionError
	require.ErrorAs(t, as[1].Err, &te)
	assert.True(t, as[1].Added, "kept, for the record")
	sh, _ = s.GetShipment(ctx, "ZT6000000002")
	assert.Equal(t, shipment.Packed, sh.State)
}

func TestIngestOpensProblems(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	handedOver(t, s, "ZT7")
	as, err := shipment.Ingest(ctx, s, []shipment.Event{
		{TrackingNo: "ZT7", Time: t0, State: shipment.Exception, Text: "快件丢失，请联系客服"},
		{TrackingNo: "ZT7", Time: t0.Add(time.Hour), State: shipment.Exception, Text: "快件遗失"},
		{TrackingNo: "ZT7", Time: t0.Add(2 * time.Hour), State: shipment.Exception, Text: "外包装破损"},
	})
	require.NoError(t, err)
	assert.NotEmpty(t, as[0].Problem)
	assert.Empty(t, as[1].Problem, "one open problem per kind")
	assert.NotEmpty(t, as[2].Problem)
	ps, err := s.ListProblems(ctx, shipment.ProblemFilter{TrackingNo: "ZT7"})
	require.NoError(t, err)
	require.Len(t, ps, 2)
	assert.Equal(t, shipment.Lost, ps[0].Kind)
	assert.Equal(t, "tracking", ps[0].OpenedBy)
	assert.Equal(t, "O-ZT7", ps[0].OrderID)
	assert.Equal(t, shipment.Damaged, ps[1].Kind)
}

func post(h http.Handler, ctype, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/track", strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandler(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	handedOver(t, s, "ZT6000000001")
	h := shipment.NewHandler(s, &shipment.HandlerOptions{MaxBytes: 4096})

	w := post(h, "application/x-www-form-urlencoded", "param="+url.QueryEscape(push))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.JSONEq(t, `{"result":true,"returnCode":"200","message":"成功"}`, w.Body.String())
	sh, err := s.GetShipment(ctx, "ZT6000000001")
	require.NoError(t, err)
	assert.Equal(t, shipment.Delivered, sh.State)
	w = post(h, "application/json", push)
	assert.Equal(t, http.StatusOK, w.Code, "a repeat is acknowledged")
	evs, _ := s.Events(ctx, "ZT6000000001")
	assert.Len(t, evs, 4, "and changes nothing")

	lines := `{"tracking_no":"ZT6000000001","time":"2026-11-14 10:00:00","status":"退回","text":"退回"}
{"tracking_no":"UNKNOWN1","time":"2026-11-14 10:00:00","status":"在途","text":"x"}`
	w = post(h, "application/json", lines)
	assert.Equal(t, http.StatusOK, w.Code, "unknown numbers are acknowledged")
	sh, _ = s.GetShipment(ctx, "ZT6000000001")
	assert.Equal(t, shipment.Returned, sh.State)

	for _, bad := range []string{`{"tracking_no":`, `not json`, ``, `{"tracking_no":"A","time":"x"}`, `[1,2]`} {
		w = post(h, "application/json", bad)
		assert.Equal(t, http.StatusBadRequest, w.Code, bad)
		assert.Contains(t, w.Body.String(), `"result":false`)
	}
	w = post(h, "application/x-www-form-urlencoded", "other=1")
	assert.Equal(t, http.StatusBadRequest, w.Code)
	w = post(h, "application/json", `{"tracking_no":"ZT6000000001","text":"`+strings.Repeat("x", 5000)+`"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	r := httptest.NewRequest(http.MethodGet, "/track", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
}

// TestHandlerConcurrent pushes 1,000 requests at once: every parcel's events,
// each sent several times, in random order.
func TestHandlerConcurrent(t *testing.T) {
	testHandlerConcurrent(t, memstore.New())
}

func testHandlerConcurrent(t *testing.T, s shipment.Store) {
	ctx := context.Background()
	const parcels, requests = 50, 1000
	for i := range parcels {
		handedOver(t, s, fmt.Sprintf("ZT8%09d", i))
	}
	h := shipment.NewHandler(s, nil)
	states := []string{"揽收", "在途", "派件", "签收"}
	var wg sync.WaitGroup
	codes := make([]int, requests)
	for i := range requests {
		wg.Go(func() {
			no := fmt.Sprintf("ZT8%09d", i%parcels)
			step := (i / parcels) % len(states)
			body := fmt.Sprintf(`{"tracking_no":%q,"time":"2026-11-12 1%d:00:00","status":%q,"text":"step %d"}`, no, step, states[step], step)
			codes[i] = post(h, "application/json", body).Code
		})
	}
	wg.Wait()
	for i, c := range codes {
		require.Equal(t, http.StatusOK, c, "request %d", i)
	}
	for i := range parcels {
		no := fmt.Sprintf("ZT8%09d", i)
		sh, err := s.GetShipment(ctx, no)
		require.NoError(t, err)
		assert.Equal(t, shipment.Delivered, sh.State, no)
		evs, err := s.Events(ctx, no)
		require.NoError(t, err)
		assert.Len(t, evs, len(states), "%s: each step once", no)
	}
}

func TestHandlerConcurrentSQLite(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dadan.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	testHandlerConcurrent(t, s)
}

func TestPoll(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	handedOver(t, s, "ZT1")
	handedOver(t, s, "ZT2")
	require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "ZT3", Carrier: "ZTO", State: shipment.Delivered}))
	var asked []string
	tr := shipment.TrackerFunc(func(_ context.Context, carrier, no string) ([]shipment.Event, error) {
		asked = append(asked, carrier+" "+no)
		if no == "ZT2" {
			return nil, fmt.Errorf("courier API down")
		}
		return []shipment.Event{{Time: t0, State: shipment.Delivered, Text: "已签收"}}, nil
	})
	as, err := shipment.Poll(ctx, s, tr)
	assert.ErrorContains(t, err, "ZT2", "a failed parcel is reported")
	assert.Equal(t, []string{"ZTO ZT1", "ZTO ZT2"}, asked, "only parcels the courier holds")
	require.Len(t, as, 1)
	assert.True(t, as[0].Moved)
	assert.Equal(t, shipment.Delivered, shState(t, s, "ZT1"))
}

func TestHandlerAuthenticate(t *testing.T) {
	s := memstore.New()
	handedOver(t, s, "ZT6000000001")
	h := shipment.NewHandler(s, &shipment.HandlerOptions{Authenticate: func(r *http.Request, body []byte) error {
		if r.Header.Get("X-Token") != "secret" {
			return fmt.Errorf("bad token")
		}
		return nil
	}})
	assert.Equal(t, http.StatusForbidden, post(h, "application/json", push).Code)
	evs, _ := s.Events(context.Background(), "ZT6000000001")
	assert.Empty(t, evs, "nothing stored")
	r := httptest.NewRequest(http.MethodPost, "/track", strings.NewReader(push))
	r.Header.Set("X-Token", "secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusOK, w.Code)
}
