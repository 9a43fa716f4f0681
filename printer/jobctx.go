package printer

import "context"

type jobKey struct{}

// WithJob returns ctx carrying the job being sent, which [Spooler] passes to
// [Printer.Print]: a printer may use it to name what it writes (a file printer
// names spool files by order and document kind). The job is read-only.
func WithJob(ctx context.Context, j *Job) context.Context {
	return context.WithValue(ctx, jobKey{}, j)
}

// JobFromContext returns the job [WithJob] put in ctx, or nil.
func JobFromContext(ctx context.Context) *Job {
	j, _ := ctx.Value(jobKey{}).(*Job)
	return j
}
