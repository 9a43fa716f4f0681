package cups

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
)

// realQueue returns the queue and capture file of a real cupsd set up by
// .ci/cups-setup.sh, or skips.
func realQueue(t *testing.T) (queue, capture string) {
	t.Helper()
	queue, capture = os.Getenv("DADAN_CUPS_QUEUE"), os.Getenv("DADAN_CUPS_CAPTURE")
	if queue == "" || capture == "" {
		t.Skip("DADAN_CUPS_QUEUE and DADAN_CUPS_CAPTURE are unset: run .ci/cups-setup.sh as root and export DADAN_CUPS_QUEUE=cap DADAN_CUPS_CAPTURE=/tmp/dadan-cap.prn")
	}
	return queue, capture
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	require.NoError(t, err)
	return fi.Size()
}

func appended(t *testing.T, path string, from int64) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.GreaterOrEqual(t, int64(len(b)), from)
	return b[from:]
}

func TestRealCUPSRawJob(t *testing.T) {
	queue, capture := realQueue(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for _, name := range []string{queue, "ipp://localhost:631/printers/" + queue} {
		t.Run(name, func(t *testing.T) {
			p, err := Open(ctx, name, nil)
			require.NoError(t, err)
			defer p.Close()

			// ZPL with Chinese text in UTF-8 and every byte value: raw means untouched.
			job := []byte("^XA^CI28^FO40,40^A@N,32,32^FD张三 13800138000^FS^XZ\n")
			for i := range 256 {
				job = append(job, byte(i))
			}
			before := fileSize(t, capture)
			require.NoError(t, p.Print(ctx, job))
			assert.Equal(t, job, appended(t, capture, before), "the capture backend got other bytes")

			st, err := p.Status(ctx)
			require.NoError(t, err)
			assert.True(t, st.Ready(), "states %b", st.States)
			assert.NotEmpty(t, st.Raw)
		})
	}
}

func TestRealCUPSSubmitAndWait(t *testing.T) {
	queue, capture := realQueue(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := Open(ctx, queue, &Options{NoWait: true, PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	defer p.Close()

	before := fileSize(t, capture)
	id, err := p.Submit(ctx, []byte("\x1b@hello\n\x1dV\x00"))
	require.NoError(t, err)
	assert.Positive(t, id)
	st, err := p.Wait(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, JobCompleted, st)
	assert.Equal(t, "\x1b@hello\n\x1dV\x00", string(appended(t, capture, before)))
}

func TestRealCUPSDisabledQueue(t *testing.T) {
	queue, capture := realQueue(t)
	if _, err := exec.LookPath("cupsdisable"); err != nil {
		t.Skip("cupsdisable not found (Debian package cups-client)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := Open(ctx, queue, &Options{PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	defer p.Close()

	out, err := exec.Command("cupsdisable", queue).CombinedOutput()
	require.NoError(t, err, string(out))
	t.Cleanup(func() {
		out, err := exec.Command("cupsenable", queue).CombinedOutput()
		assert.NoError(t, err, string(out))
	})

	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Has(printer.Paused), "states %b", st.States)
	assert.False(t, st.Ready())

	// A job for a stopped queue is cancelled, not left to print later.
	before := fileSize(t, capture)
	err = p.Print(ctx, []byte("^XA^FDnever^FS^XZ"))
	require.Error(t, err)
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.ErrorIs(t, err, printer.ErrNotSent, "the pending job was cancelled")
	var je *JobError
	require.True(t, errors.As(err, &je))
	js, err := p.Job(ctx, je.ID)
	require.NoError(t, err)
	assert.Equal(t, JobCanceled, js.State)
	assert.False(t, js.Processed)

	out, err = exec.Command("cupsenable", queue).CombinedOutput()
	require.NoError(t, err, string(out))
	st, err = p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Ready())
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, before, fileSize(t, capture), "the cancelled job printed")
}

func TestRealCUPSUnknownQueue(t *testing.T) {
	realQueue(t)
	_, err := Open(context.Background(), "dadan-no-such-queue", nil)
	assert.ErrorIs(t, err, printer.ErrNotPrinter)
}

func TestUnreachable(t *testing.T) {
	_, err := Open(context.Background(), "q", &Options{Host: "127.0.0.1:1"})
	assert.ErrorIs(t, err, printer.ErrOffline)

	// A server that goes away after Open: the job is not sent.
	s := &ippServer{state: 3, jobState: JobCompleted}
	srv := httptest.NewServer(s)
	p, err := Open(context.Background(), srv.URL+"/printers/zebra", nil)
	require.NoError(t, err)
	srv.Close()
	p.client.CloseIdleConnections() // else the request may go out on a dead kept-alive connection
	err = p.Print(context.Background(), []byte("^XA^XZ"))
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.ErrorIs(t, err, printer.ErrNotSent)
}

func TestBadNames(t *testing.T) {
	for _, q := range []string{"", "a/b", "lpd://host/q"} {
		_, err := Open(context.Background(), q, nil)
		assert.ErrorIs(t, err, printer.ErrNotPrinter, q)
	}
	assert.Error(t, (&Options{MaxJobBytes: -1}).Validate())
}

// ippServer is an IPP responder on httptest, for behaviour a real cupsd
// cannot be made to show on demand (media-empty, aborted jobs).
type ippServer struct {
	mu       sync.Mutex
	reasons  []string
	state    int
	jobState JobState
	queued   int
	docs     [][]byte
	ops      []uint16
}

func (s *ippServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req, doc, err := decode(body)
	if err != nil || r.Header.Get("Content-Type") != "application/ipp" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops = append(s.ops, req.code)
	resp := &message{major: 1, minor: 1, requestID: req.requestID}
	resp.addString(tagOperation, "attributes-charset", tagCharset, "utf-8")
	resp.addString(tagOperation, "attributes-natural-language", tagLanguage, "en")
	if uri := req.strings(tagOperation, "printer-uri"); len(uri) != 1 || !strings.HasSuffix(uri[0], "/printers/zebra") {
		resp.code = statusNotFound
		resp.addString(tagOperation, "status-message", tagText, "The printer or class does not exist.")
		_, _ = w.Write(resp.appendEncoded(nil))
		return
	}
	switch req.code {
	case opPrintJob:
		if f := req.strings(tagOperation, "document-format"); len(f) != 1 || f[0] != "application/vnd.cups-raw" {
			resp.code = 0x040A
			break
		}
		s.docs = append(s.docs, append([]byte(nil), doc...))
		resp.addInt(tagJob, "job-id", tagInteger, int32(len(s.docs)))
		resp.addInt(tagJob, "job-state", tagEnum, 3)
	case opGetJobAttributes:
		resp.addInt(tagJob, "job-state", tagEnum, int32(s.jobState))
		resp.addString(tagJob, "job-state-reasons", tagKeyword, "job-aborted-by-system")
	case opGetPrinterAttributes:
		resp.addInt(tagPrinter, "printer-state", tagEnum, int32(s.state))
		resp.addString(tagPrinter, "printer-state-reasons", tagKeyword, s.reasons...)
		resp.add(tagPrinter, "printer-is-accepting-jobs", tagBoolean, []byte{1})
		resp.addInt(tagPrinter, "queued-job-count", tagInteger, int32(s.queued))
	case opCancelJob:
	default:
		resp.code = 0x0501
	}
	w.Header().Set("Content-Type", "application/ipp")
	_, _ = w.Write(resp.appendEncoded(nil))
}

func TestStatusReasons(t *testing.T) {
	s := &ippServer{state: 3, reasons: []string{"none"}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx := context.Background()
	p, err := Open(ctx, strings.Replace(srv.URL, "http://", "ipp://", 1)+"/printers/zebra", nil)
	require.NoError(t, err)
	defer p.Close()

	tests := []struct {
		state   int
		reasons []string
		want    printer.State
	}{
		{3, []string{"none"}, 0},
		{4, []string{"media-low-warning"}, printer.PaperNearEnd},
		{5, []string{"media-empty-error"}, printer.Paused | printer.PaperOut},
		{3, []string{"media-needed", "cover-open"}, printer.PaperOut | printer.HeadOpen},
		{3, []string{"marker-supply-empty-error", "offline-report"}, printer.RibbonOut},
		{3, []string{"offline"}, printer.Offline},
		{5, []string{"paused"}, printer.Paused},
		{9, nil, printer.Unknown},
	}
	for _, tt := range tests {
		s.mu.Lock()
		s.state, s.reasons = tt.state, tt.reasons
		s.mu.Unlock()
		st, err := p.Status(ctx)
		require.NoError(t, err)
		assert.Equal(t, tt.want, st.States, "%d %v", tt.state, tt.reasons)
	}
	assert.Equal(t, printer.Paused, StatusFromAttributes(3, nil, false).States)

	s.mu.Lock()
	s.state, s.reasons, s.queued = 5, []string{"media-empty-error"}, 2
	s.mu.Unlock()
	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Pending, "jobs CUPS still holds for the printer")
	assert.True(t, st.Busy())
}

func TestJobAbortedAndLimits(t *testing.T) {
	s := &ippServer{state: 3, jobState: JobAborted}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx := context.Background()
	p, err := Open(ctx, srv.URL+"/printers/zebra", &Options{MaxJobBytes: 8, PollInterval: time.Millisecond})
	require.NoError(t, err)

	err = p.Print(ctx, []byte("123456789"))
	assert.ErrorIs(t, err, printer.ErrTooLarge)

	err = p.Print(ctx, []byte("^XA^XZ"))
	assert.ErrorIs(t, err, ErrJobFailed)
	assert.NotErrorIs(t, err, printer.ErrNotSent)
	var je *JobError
	require.True(t, errors.As(err, &je))
	assert.Equal(t, 1, je.ID)
	assert.Equal(t, JobAborted, je.State)
	assert.Equal(t, []string{"job-aborted-by-system"}, je.Reasons)
	assert.Equal(t, [][]byte{[]byte("^XA^XZ")}, s.docs)

	s.mu.Lock()
	s.jobState = JobCompleted
	s.mu.Unlock()
	require.NoError(t, p.Print(ctx, []byte("^XA^XZ")))

	s.mu.Lock()
	s.jobState = JobPending
	s.mu.Unlock()
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	err = p.Print(short, []byte("^XA^XZ"))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, printer.ErrNotSent)
	s.mu.Lock()
	assert.Contains(t, s.ops, opCancelJob, "a job left waiting is cancelled")
	s.mu.Unlock()

	_, err = Open(ctx, srv.URL+"/printers/other", nil)
	assert.ErrorIs(t, err, printer.ErrNotPrinter)
	var se *StatusError
	assert.True(t, errors.As(err, &se))

	require.NoError(t, p.Close())
	assert.ErrorIs(t, p.Print(ctx, []byte("x")), printer.ErrClosed)
	assert.ErrorIs(t, p.Print(ctx, []byte("x")), printer.ErrNotSent)
	_, err = p.Status(ctx)
	assert.ErrorIs(t, err, printer.ErrClosed)
}

func TestRequestCarriesRawDocument(t *testing.T) {
	var got []byte
	var format, users []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, doc, err := decode(body)
		require.NoError(t, err)
		resp := &message{major: 1, minor: 1, requestID: req.requestID}
		resp.addString(tagOperation, "attributes-charset", tagCharset, "utf-8")
		if req.code == opPrintJob {
			got = doc
			format = req.strings(tagOperation, "document-format")
			users = req.strings(tagOperation, "requesting-user-name")
			resp.addInt(tagJob, "job-id", tagInteger, 5)
		}
		_, _ = w.Write(resp.appendEncoded(nil))
	}))
	defer srv.Close()
	p, err := Open(context.Background(), srv.URL+"/printers/x", &Options{NoWait: true})
	require.NoError(t, err)
	doc := bytes.Repeat([]byte{0, 0x1b, 0xff, '^'}, 1000)
	require.NoError(t, p.Print(context.Background(), doc))
	assert.Equal(t, doc, got)
	assert.Equal(t, []string{"application/vnd.cups-raw"}, format)
	// The job is owned by the login name of this process, a user the CUPS
	// host knows when it is this host (see Options.User).
	me, err := user.Current()
	require.NoError(t, err)
	assert.Equal(t, []string{me.Username}, users)
}

// BenchmarkRealCUPSPrint measures one raw job through cupsd and the capture
// backend, waiting for completion.
func BenchmarkRealCUPSPrint(b *testing.B) {
	queue, capture := os.Getenv("DADAN_CUPS_QUEUE"), os.Getenv("DADAN_CUPS_CAPTURE")
	if queue == "" || capture == "" {
		b.Skip("DADAN_CUPS_QUEUE and DADAN_CUPS_CAPTURE are unset")
	}
	ctx := context.Background()
	p, err := Open(ctx, queue, &Options{PollInterval: 10 * time.Millisecond})
	require.NoError(b, err)
	defer p.Close()
	job := bytes.Repeat([]byte("^XA^FO10,10^FDdadan^FS^XZ"), 80)
	for b.Loop() {
		if err := p.Print(ctx, job); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRealCUPSPaperOut runs a job on the fault queue of .ci/cups-setup.sh,
// whose backend reports media-empty-error: CUPS stops the queue, and both
// Print and Status must say so.
func TestRealCUPSPaperOut(t *testing.T) {
	queue, _ := realQueue(t)
	queue += "-fault"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.Command("cupsenable", queue).CombinedOutput()
	require.NoError(t, err, string(out))
	t.Cleanup(func() { _ = exec.Command("cancel", "-a", queue).Run() })

	p, err := Open(ctx, queue, &Options{PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	defer p.Close()

	err = p.Print(ctx, []byte("^XA^FDout of paper^FS^XZ"))
	require.Error(t, err)
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.NotErrorIs(t, err, printer.ErrNotSent, "the backend had the job: it may have printed part")
	var je *JobError
	require.True(t, errors.As(err, &je))

	st, err := p.Status(ctx)
	require.NoError(t, err)
	assert.True(t, st.Has(printer.PaperOut), "%s", st.States)
	assert.True(t, st.Has(printer.Paused), "%s", st.States)
	assert.False(t, st.Ready())
}

// TestPaperOutMessage: a job on a queue CUPS stopped for want of paper says what
// the printer reports, as `dadan status` does, not only "offline".
func TestPaperOutMessage(t *testing.T) {
	s := &ippServer{state: 5, reasons: []string{"media-empty-error"}, jobState: JobPending}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx := context.Background()
	p, err := Open(ctx, srv.URL+"/printers/zebra", &Options{PollInterval: time.Millisecond})
	require.NoError(t, err)
	defer p.Close()
	err = p.Print(ctx, []byte("^XA^XZ"))
	require.ErrorIs(t, err, printer.ErrOffline)
	var je *JobError
	require.ErrorAs(t, err, &je)
	assert.True(t, je.Printer.Has(printer.PaperOut))
	assert.Contains(t, err.Error(), "the queue stopped, printer paper out")
	assert.Nil(t, je.Printer.Raw, "no IPP bytes kept in an error")
}
