DECLARE
  n NUMBER;
BEGIN
  SELECT COUNT(*) INTO n FROM all_users WHERE username = 'BASCULE_CONTROL';
  IF n = 0 THEN
    EXECUTE IMMEDIATE 'CREATE USER BASCULE_CONTROL NO AUTHENTICATION DEFAULT TABLESPACE USERS QUOTA UNLIMITED ON USERS';
  END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.schema_version (
  version NUMBER(19) NOT NULL,
  description VARCHAR2(200 CHAR) NOT NULL,
  applied_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.domain_state (
  domain VARCHAR2(20 CHAR) NOT NULL,
  state VARCHAR2(9 CHAR) NOT NULL CONSTRAINT domain_state_state_ck CHECK (state IN (''LEGACY'', ''MIGRATING'', ''VERIFIED'', ''LIVE'', ''RETIRED'')),
  changed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  changed_by VARCHAR2(100 CHAR) NOT NULL,
  CONSTRAINT domain_state_pk PRIMARY KEY (domain)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.domain_transition (
  id VARCHAR2(36 CHAR) NOT NULL,
  revision NUMBER(19) NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  domain VARCHAR2(20 CHAR) NOT NULL,
  from_state VARCHAR2(9 CHAR) NOT NULL CONSTRAINT domain_transition_from_state_ck CHECK (from_state IN (''LEGACY'', ''MIGRATING'', ''VERIFIED'', ''LIVE'', ''RETIRED'')),
  to_state VARCHAR2(9 CHAR) NOT NULL CONSTRAINT domain_transition_to_state_ck CHECK (to_state IN (''LEGACY'', ''MIGRATING'', ''VERIFIED'', ''LIVE'', ''RETIRED'')),
  changed_by VARCHAR2(100 CHAR) NOT NULL,
  report_id VARCHAR2(36 CHAR),
  reason VARCHAR2(1000 CHAR),
  CONSTRAINT domain_transition_pk PRIMARY KEY (id)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.migration_run (
  id VARCHAR2(36 CHAR) NOT NULL,
  revision NUMBER(19) NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  domain VARCHAR2(20 CHAR) NOT NULL,
  status VARCHAR2(9 CHAR) NOT NULL CONSTRAINT migration_run_status_ck CHECK (status IN (''RUNNING'', ''SUCCEEDED'', ''FAILED'', ''ABORTED'')),
  dry_run NUMBER(1) NOT NULL CONSTRAINT migration_run_dry_run_ck CHECK (dry_run IN (0, 1)),
  started_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  finished_at TIMESTAMP(6) WITH TIME ZONE,
  started_by VARCHAR2(100 CHAR),
  fingerprints CLOB,
  summary CLOB,
  CONSTRAINT migration_run_pk PRIMARY KEY (id)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.checkpoint (
  run_id VARCHAR2(36 CHAR) NOT NULL,
  source VARCHAR2(500 CHAR) NOT NULL,
  state CLOB NOT NULL,
  updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  CONSTRAINT checkpoint_pk PRIMARY KEY (run_id, source),
  CONSTRAINT checkpoint_run_id_fk FOREIGN KEY (run_id) REFERENCES BASCULE_CONTROL.migration_run (id)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.quarantine (
  id VARCHAR2(36 CHAR) NOT NULL,
  revision NUMBER(19) NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  run_id VARCHAR2(36 CHAR) NOT NULL,
  domain VARCHAR2(20 CHAR) NOT NULL,
  source VARCHAR2(500 CHAR) NOT NULL,
  locator VARCHAR2(500 CHAR) NOT NULL,
  rule VARCHAR2(100 CHAR) NOT NULL,
  message VARCHAR2(1000 CHAR) NOT NULL,
  raw_values CLOB NOT NULL,
  status VARCHAR2(8 CHAR) NOT NULL CONSTRAINT quarantine_status_ck CHECK (status IN (''OPEN'', ''ACCEPTED'', ''REPLAYED'')),
  CONSTRAINT quarantine_pk PRIMARY KEY (id),
  CONSTRAINT quarantine_run_id_fk FOREIGN KEY (run_id) REFERENCES BASCULE_CONTROL.migration_run (id)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.crosswalk (
  domain VARCHAR2(20 CHAR) NOT NULL,
  entity VARCHAR2(60 CHAR) NOT NULL,
  legacy_key VARCHAR2(400 CHAR) NOT NULL,
  new_id VARCHAR2(36 CHAR) NOT NULL,
  source VARCHAR2(500 CHAR) NOT NULL,
  matched_by VARCHAR2(40 CHAR) NOT NULL,
  score NUMBER(7,6),
  run_id VARCHAR2(36 CHAR),
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  CONSTRAINT crosswalk_pk PRIMARY KEY (domain, entity, legacy_key)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.report (
  id VARCHAR2(36 CHAR) NOT NULL,
  revision NUMBER(19) NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  domain VARCHAR2(20 CHAR) NOT NULL,
  kind VARCHAR2(40 CHAR) NOT NULL,
  run_id VARCHAR2(36 CHAR),
  content CLOB NOT NULL,
  CONSTRAINT report_pk PRIMARY KEY (id)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.outbox (
  id VARCHAR2(36 CHAR) NOT NULL,
  revision NUMBER(19) NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  domain VARCHAR2(20 CHAR) NOT NULL,
  dedup_key VARCHAR2(200 CHAR) NOT NULL,
  message_id VARCHAR2(200 CHAR) NOT NULL,
  recipients VARCHAR2(1000 CHAR) NOT NULL,
  subject VARCHAR2(400 CHAR) NOT NULL,
  body_text CLOB NOT NULL,
  body_html CLOB,
  kind VARCHAR2(100 CHAR),
  payload CLOB,
  state VARCHAR2(9 CHAR) NOT NULL CONSTRAINT outbox_state_ck CHECK (state IN (''PENDING'', ''SENDING'', ''SENT'', ''DEAD'', ''CANCELLED'')),
  attempts NUMBER(19) NOT NULL,
  next_attempt_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  last_error VARCHAR2(1000 CHAR),
  sent_at TIMESTAMP(6) WITH TIME ZONE,
  CONSTRAINT outbox_pk PRIMARY KEY (id),
  CONSTRAINT outbox_dedup_key_uq UNIQUE (dedup_key)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE TABLE BASCULE_CONTROL.api_request (
  service VARCHAR2(40 CHAR) NOT NULL,
  request_id VARCHAR2(100 CHAR) NOT NULL,
  method VARCHAR2(100 CHAR) NOT NULL,
  request_hash VARCHAR2(64 CHAR) NOT NULL,
  state VARCHAR2(7 CHAR) NOT NULL CONSTRAINT api_request_state_ck CHECK (state IN (''PENDING'', ''DONE'')),
  response CLOB,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  CONSTRAINT api_request_pk PRIMARY KEY (service, request_id)
)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE INDEX BASCULE_CONTROL.quarantine_run_ix ON BASCULE_CONTROL.quarantine (run_id, status)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE INDEX BASCULE_CONTROL.crosswalk_new_id_ix ON BASCULE_CONTROL.crosswalk (new_id)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE INDEX BASCULE_CONTROL.outbox_due_ix ON BASCULE_CONTROL.outbox (state, next_attempt_at)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE INDEX BASCULE_CONTROL.migration_run_domain_ix ON BASCULE_CONTROL.migration_run (domain, started_at)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

BEGIN
  EXECUTE IMMEDIATE 'CREATE UNIQUE INDEX BASCULE_CONTROL.domain_transition_order_ux ON BASCULE_CONTROL.domain_transition (domain, created_at, id)';
EXCEPTION
  WHEN OTHERS THEN
    IF SQLCODE NOT IN (-955, -1430, -1408, -2260, -2261, -2275) THEN RAISE; END IF;
END;
/

SELECT COUNT(*) AS n FROM all_tables WHERE owner = :1 AND table_name = :2
/
-- binds: Text, Text

MERGE INTO BASCULE_CONTROL.crosswalk t USING (SELECT :1 AS domain, :2 AS entity, :3 AS legacy_key, :4 AS new_id FROM dual) s ON (t.domain = s.domain AND t.entity = s.entity AND t.legacy_key = s.legacy_key) WHEN MATCHED THEN UPDATE SET t.new_id = s.new_id WHEN NOT MATCHED THEN INSERT (domain, entity, legacy_key, new_id) VALUES (s.domain, s.entity, s.legacy_key, s.new_id)
/

INSERT INTO BASCULE_CONTROL.outbox (id, revision, created_at, updated_at, domain, dedup_key, message_id, recipients, subject, body_text, body_html, state, attempts, next_attempt_at, last_error, sent_at) VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11, :12, :13, :14, :15, :16)
/
-- binds: Text, Int, Timestamp, Timestamp, Text, Text, Text, Text, Text, Text, Text, Text, Int, Timestamp, Text, Timestamp

SELECT id, revision, created_at, updated_at, domain, dedup_key, message_id, recipients, subject, body_text, body_html, kind, payload, state, attempts, next_attempt_at, last_error, sent_at FROM BASCULE_CONTROL.outbox WHERE id = :1
/
-- binds: Text

SELECT id, revision, created_at, updated_at, domain, dedup_key, message_id, recipients, subject, body_text, body_html, kind, payload, state, attempts, next_attempt_at, last_error, sent_at FROM BASCULE_CONTROL.outbox WHERE state = :1 ORDER BY created_at, id FETCH FIRST 21 ROWS ONLY
/
-- binds: Text

SELECT id, revision, created_at, updated_at, domain, dedup_key, message_id, recipients, subject, body_text, body_html, kind, payload, state, attempts, next_attempt_at, last_error, sent_at FROM BASCULE_CONTROL.outbox WHERE dedup_key = :1 AND sent_at IS NULL FOR UPDATE
/
-- binds: Text

SELECT COUNT(*) AS n FROM BASCULE_CONTROL.outbox
/

UPDATE BASCULE_CONTROL.outbox SET revision = :1, updated_at = :2, domain = :3, dedup_key = :4, message_id = :5, recipients = :6, subject = :7, body_text = :8, body_html = :9, state = :10, attempts = :11, next_attempt_at = :12, last_error = :13, sent_at = :14 WHERE id = :15 AND revision = :16
/
-- binds: Int, Timestamp, Text, Text, Text, Text, Text, Text, Text, Text, Int, Timestamp, Text, Timestamp, Text, Int

SELECT created_at FROM BASCULE_CONTROL.outbox WHERE id = :1
/
-- binds: Text

