-- Every change people watch (a run or job status, an approval, a rollback) is an
-- audit event; each one tells live dashboards which run changed. The payload is
-- the run id, never content, and PostgreSQL folds repeats within a transaction.
CREATE FUNCTION switchyard_notify_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('switchyard_runs', NEW.run_id::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER run_events_notify AFTER INSERT ON "run_events"
  FOR EACH ROW EXECUTE FUNCTION switchyard_notify_run_event();
