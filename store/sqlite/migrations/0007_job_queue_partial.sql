-- The print queue's index holds only what a claim looks for: the queued jobs of
-- each printer in queue order, and the jobs being sent. jobs_queue (printer,
-- state, seq) kept an entry for every job ever printed, rewritten at each step
-- of every job (queued, sending, printed): two partial indexes stay as small as
-- the queue and are touched once when a job enters a state and once when it
-- leaves. The queries name the state as a literal so that SQLite uses them. A
-- restarted spooler finds its own jobs among its printer's few sending ones.
DROP INDEX IF EXISTS jobs_queue;
CREATE INDEX jobs_queued ON jobs (printer, seq) WHERE state = 'queued';
CREATE INDEX jobs_sending ON jobs (printer, seq) WHERE state = 'sending';
