-- Jobs executed by workers outside the service (any language), which claim their runs over HTTP: an admin registers
-- them (PUT /v1/jobs/{name}); they are listed, triggered, scheduled and limited as the jobs built into the service are.
-- The definition is the JSON the API takes (description, exclusive, params, retry, timeout, priority, max_active),
-- validated by the service before it is stored. Every change is announced on jobstream_jobs, so that each replica
-- reads the table again.
CREATE TABLE remote_jobs (
    name       text        PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
    definition jsonb       NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL
);

-- A worker's reports on the run it holds are numbered from 1 within each claim; the number of the last one stored
-- makes a report repeated after a lost reply store nothing again. A claim sets it back to 0.
ALTER TABLE job_runs ADD COLUMN reported integer NOT NULL DEFAULT 0 CHECK (reported >= 0);
