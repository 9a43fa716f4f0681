package shipment

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/dadanhq/dadan/access"
)

// HandlerOptions configure [NewHandler]. The zero value (and nil) means the
// defaults.
type HandlerOptions struct {
	// MaxBytes bounds a request body; 0 means 1 MiB. Larger requests are
	// answered 413.
	MaxBytes int64
	// Logger receives the outcome of each push; nil discards it.
	Logger *slog.Logger
	// Authenticate, if set, checks each request before anything is stored (for
	// kuaidi100, the sign field: MD5 of param and the account's salt); body is
	// the request body as received. An error is answered 403.
	Authenticate func(r *http.Request, body []byte) error
	// Authorizer, if set, is asked for every push whether the principal the
	// request's context carries (put there by the host's authentication) may take
	// in tracking events ([access.ShipTrack]); a refusal is answered 403 and
	// nothing is stored. Nil means no checks.
	Authorizer access.Authorizer
	// OnApplied, if set, is called with the outcome of every event of a push,
	// after it is stored.
	OnApplied func([]Applied)
}

// NewHandler returns an http.Handler a host mounts to receive tracking pushes:
// POST a kuaidi100 push (JSON, or a form with the JSON in its param field), a
// plain event line, or several plain event lines. Events are stored with
// [Ingest], so a push sent again changes nothing. Bad input is answered 400, a
// store failure 500 (so the sender retries), everything else 200 with
// kuaidi100's answer: {"result":true,"returnCode":"200","message":"成功"}.
// Events for numbers not known here are logged and acknowledged: sending them
// again would not help. It is safe for concurrent use.
func NewHandler(st Store, opts *HandlerOptions) http.Handler {
	var o HandlerOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 1 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &handler{st: st, o: o}
}

type handler struct {
	st Store
	o  HandlerOptions
}

type pushAnswer struct {
	Result     bool   `json:"result"`
	ReturnCode string `json:"returnCode"`
	Message    string `json:"message"`
}

func answer(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(pushAnswer{Result: code == http.StatusOK, ReturnCode: strconv.Itoa(code), Message: msg})
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		answer(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	if err := access.Check(r.Context(), h.o.Authorizer, access.ShipTrack); err != nil {
		h.o.Logger.WarnContext(r.Context(), "tracking push refused", "err", err)
		answer(w, http.StatusForbidden, "not permitted")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.o.MaxBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			answer(w, http.StatusRequestEntityTooLarge, "request too large")
			return
		}
		answer(w, http.StatusBadRequest, "unreadable request")
		return
	}
	if h.o.Authenticate != nil {
		if err := h.o.Authenticate(r, body); err != nil {
			h.o.Logger.WarnContext(r.Context(), "tracking push refused", "err", err)
			answer(w, http.StatusForbidden, "not authenticated")
			return
		}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get("param") == "" {
			answer(w, http.StatusBadRequest, "form without param")
			return
		}
		body = []byte(form.Get("param"))
	}
	var evs []Event
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			answer(w, http.StatusBadRequest, "bad JSON: "+err.Error())
			return
		}
		got, err := ParseEvents(raw)
		if err != nil {
			answer(w, http.StatusBadRequest, err.Error())
			return
		}
		evs = append(evs, got...)
	}
	if len(evs) == 0 {
		answer(w, http.StatusBadRequest, "no events")
		return
	}
	as, err := Ingest(r.Context(), h.st, evs)
	if err != nil {
		h.o.Logger.ErrorContext(r.Context(), "tracking push: store", "err", err)
		answer(w, http.StatusInternalServerError, "store failed: try again")
		return
	}
	for _, a := range as {
		if a.Err != nil {
			h.o.Logger.WarnContext(r.Context(), "tracking event not applied", "tracking_no", a.TrackingNo, "err", a.Err)
		}
	}
	if h.o.OnApplied != nil {
		h.o.OnApplied(as)
	}
	answer(w, http.StatusOK, "成功")
}
