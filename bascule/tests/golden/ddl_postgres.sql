-- schema control (control)
CREATE SCHEMA IF NOT EXISTS control
/
CREATE TABLE IF NOT EXISTS control.schema_version (
  version BIGINT NOT NULL,
  description VARCHAR(200) NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: control tables: states, runs, quarantine, crosswalk, reports, outbox, API requests
CREATE TABLE IF NOT EXISTS control.domain_state (
  domain VARCHAR(20) NOT NULL,
  state VARCHAR(9) NOT NULL CONSTRAINT domain_state_state_ck CHECK (state IN ('LEGACY', 'MIGRATING', 'VERIFIED', 'LIVE', 'RETIRED')),
  changed_at TIMESTAMPTZ NOT NULL,
  changed_by VARCHAR(100) NOT NULL,
  CONSTRAINT domain_state_pk PRIMARY KEY (domain)
)
/
CREATE TABLE IF NOT EXISTS control.domain_transition (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  domain VARCHAR(20) NOT NULL,
  from_state VARCHAR(9) NOT NULL CONSTRAINT domain_transition_from_state_ck CHECK (from_state IN ('LEGACY', 'MIGRATING', 'VERIFIED', 'LIVE', 'RETIRED')),
  to_state VARCHAR(9) NOT NULL CONSTRAINT domain_transition_to_state_ck CHECK (to_state IN ('LEGACY', 'MIGRATING', 'VERIFIED', 'LIVE', 'RETIRED')),
  changed_by VARCHAR(100) NOT NULL,
  report_id VARCHAR(36),
  reason VARCHAR(1000),
  CONSTRAINT domain_transition_pk PRIMARY KEY (id)
)
/
CREATE TABLE IF NOT EXISTS control.migration_run (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  domain VARCHAR(20) NOT NULL,
  status VARCHAR(9) NOT NULL CONSTRAINT migration_run_status_ck CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
  dry_run BOOLEAN NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  started_by VARCHAR(100),
  fingerprints TEXT,
  summary TEXT,
  CONSTRAINT migration_run_pk PRIMARY KEY (id)
)
/
CREATE TABLE IF NOT EXISTS control.checkpoint (
  run_id VARCHAR(36) NOT NULL,
  source VARCHAR(500) NOT NULL,
  state TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT checkpoint_pk PRIMARY KEY (run_id, source),
  CONSTRAINT checkpoint_run_id_fk FOREIGN KEY (run_id) REFERENCES control.migration_run (id)
)
/
CREATE TABLE IF NOT EXISTS control.quarantine (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  run_id VARCHAR(36) NOT NULL,
  domain VARCHAR(20) NOT NULL,
  source VARCHAR(500) NOT NULL,
  locator VARCHAR(500) NOT NULL,
  rule VARCHAR(100) NOT NULL,
  message VARCHAR(1000) NOT NULL,
  raw_values TEXT NOT NULL,
  status VARCHAR(8) NOT NULL CONSTRAINT quarantine_status_ck CHECK (status IN ('OPEN', 'ACCEPTED', 'REPLAYED')),
  CONSTRAINT quarantine_pk PRIMARY KEY (id),
  CONSTRAINT quarantine_run_id_fk FOREIGN KEY (run_id) REFERENCES control.migration_run (id)
)
/
CREATE TABLE IF NOT EXISTS control.crosswalk (
  domain VARCHAR(20) NOT NULL,
  entity VARCHAR(60) NOT NULL,
  legacy_key VARCHAR(400) NOT NULL,
  new_id VARCHAR(36) NOT NULL,
  source VARCHAR(500) NOT NULL,
  matched_by VARCHAR(40) NOT NULL,
  score NUMERIC(7,6),
  run_id VARCHAR(36),
  created_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT crosswalk_pk PRIMARY KEY (domain, entity, legacy_key)
)
/
CREATE TABLE IF NOT EXISTS control.report (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  domain VARCHAR(20) NOT NULL,
  kind VARCHAR(40) NOT NULL,
  run_id VARCHAR(36),
  content TEXT NOT NULL,
  CONSTRAINT report_pk PRIMARY KEY (id)
)
/
CREATE TABLE IF NOT EXISTS control.outbox (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  domain VARCHAR(20) NOT NULL,
  dedup_key VARCHAR(200) NOT NULL,
  message_id VARCHAR(200) NOT NULL,
  recipients VARCHAR(1000) NOT NULL,
  subject VARCHAR(400) NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  kind VARCHAR(100),
  payload TEXT,
  state VARCHAR(9) NOT NULL CONSTRAINT outbox_state_ck CHECK (state IN ('PENDING', 'SENDING', 'SENT', 'DEAD', 'CANCELLED')),
  attempts BIGINT NOT NULL,
  next_attempt_at TIMESTAMPTZ NOT NULL,
  last_error VARCHAR(1000),
  sent_at TIMESTAMPTZ,
  CONSTRAINT outbox_pk PRIMARY KEY (id),
  CONSTRAINT outbox_dedup_key_uq UNIQUE (dedup_key)
)
/
CREATE TABLE IF NOT EXISTS control.api_request (
  service VARCHAR(40) NOT NULL,
  request_id VARCHAR(100) NOT NULL,
  method VARCHAR(100) NOT NULL,
  request_hash VARCHAR(64) NOT NULL,
  state VARCHAR(7) NOT NULL CONSTRAINT api_request_state_ck CHECK (state IN ('PENDING', 'DONE')),
  response TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT api_request_pk PRIMARY KEY (service, request_id)
)
/
CREATE INDEX IF NOT EXISTS quarantine_run_ix ON control.quarantine (run_id, status)
/
CREATE INDEX IF NOT EXISTS crosswalk_new_id_ix ON control.crosswalk (new_id)
/
CREATE INDEX IF NOT EXISTS outbox_due_ix ON control.outbox (state, next_attempt_at)
/
CREATE INDEX IF NOT EXISTS migration_run_domain_ix ON control.migration_run (domain, started_at)
/
CREATE UNIQUE INDEX IF NOT EXISTS domain_transition_order_ux ON control.domain_transition (domain, created_at, id)
/
-- version 2: switch-over procedure: reactivation check tokens, legacy fingerprints
CREATE TABLE IF NOT EXISTS control.check_token (
  token_hash VARCHAR(64) NOT NULL,
  domain VARCHAR(20) NOT NULL,
  created_by VARCHAR(100) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT check_token_pk PRIMARY KEY (token_hash)
)
/
ALTER TABLE control.quarantine ADD COLUMN IF NOT EXISTS decided_by VARCHAR(100)
/
ALTER TABLE control.quarantine ADD COLUMN IF NOT EXISTS decision VARCHAR(1000)
/
CREATE TABLE IF NOT EXISTS control.legacy_source (
  domain VARCHAR(20) NOT NULL,
  source VARCHAR(100) NOT NULL,
  source_table VARCHAR(200) NOT NULL,
  location VARCHAR(500) NOT NULL,
  row_count BIGINT NOT NULL,
  digest VARCHAR(32) NOT NULL,
  file_sha256 VARCHAR(64),
  file_size BIGINT,
  run_id VARCHAR(36),
  taken_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT legacy_source_pk PRIMARY KEY (domain, source, source_table)
)
/
CREATE TABLE IF NOT EXISTS control.legacy_record (
  domain VARCHAR(20) NOT NULL,
  source VARCHAR(100) NOT NULL,
  source_table VARCHAR(200) NOT NULL,
  ordinal BIGINT NOT NULL,
  digest VARCHAR(32) NOT NULL,
  locator VARCHAR(500) NOT NULL,
  record_key VARCHAR(400),
  CONSTRAINT legacy_record_pk PRIMARY KEY (domain, source, source_table, ordinal)
)
/

-- schema fournisseurs (fournisseurs)
CREATE SCHEMA IF NOT EXISTS fournisseurs
/
CREATE TABLE IF NOT EXISTS fournisseurs.schema_version (
  version BIGINT NOT NULL,
  description VARCHAR(200) NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: suppliers, supplier articles, purchase orders, receipts, bills, payments
CREATE TABLE IF NOT EXISTS fournisseurs.supplier (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  code VARCHAR(32) NOT NULL,
  name VARCHAR(200) NOT NULL,
  siret VARCHAR(14),
  order_emails VARCHAR(1000),
  phone VARCHAR(30),
  address_line1 VARCHAR(200) NOT NULL,
  address_line2 VARCHAR(200),
  postal_code VARCHAR(20),
  city VARCHAR(100) NOT NULL,
  country VARCHAR(2) NOT NULL,
  iban VARCHAR(34),
  bic VARCHAR(11),
  payment_terms_days BIGINT NOT NULL,
  currency VARCHAR(3) NOT NULL,
  active BOOLEAN NOT NULL,
  legacy_updated_on DATE,
  CONSTRAINT supplier_pk PRIMARY KEY (id),
  CONSTRAINT supplier_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.supplier_legacy_id (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  legacy_id VARCHAR(20) NOT NULL,
  supplier_code VARCHAR(32) NOT NULL,
  CONSTRAINT supplier_legacy_id_pk PRIMARY KEY (id),
  CONSTRAINT supplier_legacy_id_legacy_id_uq UNIQUE (legacy_id),
  CONSTRAINT supplier_legacy_id_supplier_code_fk FOREIGN KEY (supplier_code) REFERENCES fournisseurs.supplier (code)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.supplier_article (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  supplier_code VARCHAR(32) NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  supplier_sku VARCHAR(60),
  unit_price NUMERIC(22,6) NOT NULL,
  min_order_qty NUMERIC(22,6) NOT NULL,
  lead_time_days BIGINT NOT NULL,
  preferred BOOLEAN NOT NULL,
  CONSTRAINT supplier_article_pk PRIMARY KEY (id),
  CONSTRAINT supplier_article_supplier_code_article_code_uq UNIQUE (supplier_code, article_code),
  CONSTRAINT supplier_article_supplier_code_fk FOREIGN KEY (supplier_code) REFERENCES fournisseurs.supplier (code)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.purchase_order (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  po_number VARCHAR(20) NOT NULL,
  supplier_code VARCHAR(32) NOT NULL,
  state VARCHAR(9) NOT NULL CONSTRAINT purchase_order_state_ck CHECK (state IN ('DRAFT', 'RFQ_SENT', 'CONFIRMED', 'CLOSED', 'CANCELLED')),
  order_date DATE NOT NULL,
  requested_delivery_date DATE,
  currency VARCHAR(3) NOT NULL,
  buyer VARCHAR(100) NOT NULL,
  note TEXT,
  legacy_id VARCHAR(20),
  legacy_total_excl_tax NUMERIC(22,6),
  CONSTRAINT purchase_order_pk PRIMARY KEY (id),
  CONSTRAINT purchase_order_po_number_uq UNIQUE (po_number),
  CONSTRAINT purchase_order_supplier_code_fk FOREIGN KEY (supplier_code) REFERENCES fournisseurs.supplier (code)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.purchase_order_line (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  order_id VARCHAR(36) NOT NULL,
  line_no BIGINT NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  description VARCHAR(200) NOT NULL,
  quantity NUMERIC(22,6) NOT NULL,
  unit VARCHAR(20) NOT NULL,
  unit_price NUMERIC(22,6) NOT NULL,
  discount_percent NUMERIC(22,6) NOT NULL,
  qty_received NUMERIC(22,6) NOT NULL,
  last_receipt_date DATE,
  CONSTRAINT purchase_order_line_pk PRIMARY KEY (id),
  CONSTRAINT purchase_order_line_order_id_line_no_uq UNIQUE (order_id, line_no),
  CONSTRAINT purchase_order_line_order_id_fk FOREIGN KEY (order_id) REFERENCES fournisseurs.purchase_order (id)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.receipt (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  po_number VARCHAR(20) NOT NULL,
  location_code VARCHAR(32) NOT NULL,
  received_on DATE NOT NULL,
  user_name VARCHAR(100) NOT NULL,
  note VARCHAR(200),
  CONSTRAINT receipt_pk PRIMARY KEY (id),
  CONSTRAINT receipt_po_number_fk FOREIGN KEY (po_number) REFERENCES fournisseurs.purchase_order (po_number)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.receipt_line (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  receipt_id VARCHAR(36) NOT NULL,
  line_no BIGINT NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  quantity NUMERIC(22,6) NOT NULL,
  movement_id VARCHAR(36) NOT NULL,
  CONSTRAINT receipt_line_pk PRIMARY KEY (id),
  CONSTRAINT receipt_line_receipt_id_line_no_uq UNIQUE (receipt_id, line_no),
  CONSTRAINT receipt_line_receipt_id_fk FOREIGN KEY (receipt_id) REFERENCES fournisseurs.receipt (id)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.supplier_bill (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  supplier_code VARCHAR(32) NOT NULL,
  po_number VARCHAR(20),
  invoice_number VARCHAR(40) NOT NULL,
  invoice_date DATE NOT NULL,
  due_date DATE NOT NULL,
  amount_excl_tax NUMERIC(22,6),
  tax_amount NUMERIC(22,6),
  amount_incl_tax NUMERIC(22,6) NOT NULL,
  state VARCHAR(9) NOT NULL CONSTRAINT supplier_bill_state_ck CHECK (state IN ('DRAFT', 'POSTED', 'CANCELLED')),
  legacy_id VARCHAR(20),
  CONSTRAINT supplier_bill_pk PRIMARY KEY (id),
  CONSTRAINT supplier_bill_supplier_code_invoice_number_uq UNIQUE (supplier_code, invoice_number),
  CONSTRAINT supplier_bill_supplier_code_fk FOREIGN KEY (supplier_code) REFERENCES fournisseurs.supplier (code),
  CONSTRAINT supplier_bill_po_number_fk FOREIGN KEY (po_number) REFERENCES fournisseurs.purchase_order (po_number)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.payment (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  bill_id VARCHAR(36) NOT NULL,
  paid_on DATE NOT NULL,
  amount NUMERIC(22,6) NOT NULL,
  method VARCHAR(16) NOT NULL CONSTRAINT payment_method_ck CHECK (method IN ('TRANSFER', 'BILL_OF_EXCHANGE', 'CHEQUE', 'DIRECT_DEBIT', 'CARD')),
  reference VARCHAR(100),
  CONSTRAINT payment_pk PRIMARY KEY (id),
  CONSTRAINT payment_bill_id_fk FOREIGN KEY (bill_id) REFERENCES fournisseurs.supplier_bill (id)
)
/
CREATE INDEX IF NOT EXISTS supplier_article_article_ix ON fournisseurs.supplier_article (article_code)
/
CREATE INDEX IF NOT EXISTS purchase_order_supplier_ix ON fournisseurs.purchase_order (supplier_code, po_number)
/
CREATE INDEX IF NOT EXISTS supplier_bill_due_ix ON fournisseurs.supplier_bill (due_date, state)
/
CREATE INDEX IF NOT EXISTS supplier_bill_po_ix ON fournisseurs.supplier_bill (po_number)
/
CREATE INDEX IF NOT EXISTS receipt_po_ix ON fournisseurs.receipt (po_number, received_on)
/
CREATE INDEX IF NOT EXISTS payment_bill_ix ON fournisseurs.payment (bill_id, paid_on)
/

-- schema stock (stock)
CREATE SCHEMA IF NOT EXISTS stock
/
CREATE TABLE IF NOT EXISTS stock.schema_version (
  version BIGINT NOT NULL,
  description VARCHAR(200) NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: articles, locations, levels, movement ledger, reorder rules
CREATE TABLE IF NOT EXISTS stock.article (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  code VARCHAR(32) NOT NULL,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(13) NOT NULL CONSTRAINT article_kind_ck CHECK (kind IN ('RAW_MATERIAL', 'COMPONENT', 'CONSUMABLE', 'PACKAGING', 'SEMI_FINISHED', 'FINISHED_GOOD')),
  unit VARCHAR(20) NOT NULL,
  replenishment VARCHAR(11) NOT NULL CONSTRAINT article_replenishment_ck CHECK (replenishment IN ('BUY', 'MANUFACTURE')),
  active BOOLEAN NOT NULL,
  unit_cost NUMERIC(22,6),
  CONSTRAINT article_pk PRIMARY KEY (id),
  CONSTRAINT article_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS stock.location (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  code VARCHAR(40) NOT NULL,
  name VARCHAR(200) NOT NULL,
  warehouse VARCHAR(60) NOT NULL,
  active BOOLEAN NOT NULL,
  CONSTRAINT location_pk PRIMARY KEY (id),
  CONSTRAINT location_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS stock.stock_level (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  location_code VARCHAR(40) NOT NULL,
  on_hand NUMERIC(22,6) NOT NULL,
  reserved NUMERIC(22,6) NOT NULL,
  incoming NUMERIC(22,6) NOT NULL,
  CONSTRAINT stock_level_pk PRIMARY KEY (id),
  CONSTRAINT stock_level_article_code_location_code_uq UNIQUE (article_code, location_code),
  CONSTRAINT stock_level_article_code_fk FOREIGN KEY (article_code) REFERENCES stock.article (code),
  CONSTRAINT stock_level_location_code_fk FOREIGN KEY (location_code) REFERENCES stock.location (code)
)
/
CREATE TABLE IF NOT EXISTS stock.movement (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  kind VARCHAR(22) NOT NULL CONSTRAINT movement_kind_ck CHECK (kind IN ('RECEIPT', 'ISSUE', 'TRANSFER', 'ADJUSTMENT', 'PRODUCTION_CONSUMPTION', 'PRODUCTION_OUTPUT', 'DELIVERY')),
  article_code VARCHAR(32) NOT NULL,
  location_code VARCHAR(40) NOT NULL,
  to_location_code VARCHAR(40),
  quantity NUMERIC(22,6) NOT NULL,
  reference VARCHAR(100),
  occurred_at TIMESTAMPTZ NOT NULL,
  user_name VARCHAR(100) NOT NULL,
  note VARCHAR(1000),
  reverses VARCHAR(36),
  CONSTRAINT movement_pk PRIMARY KEY (id),
  CONSTRAINT movement_reverses_uq UNIQUE (reverses),
  CONSTRAINT movement_article_code_fk FOREIGN KEY (article_code) REFERENCES stock.article (code),
  CONSTRAINT movement_location_code_fk FOREIGN KEY (location_code) REFERENCES stock.location (code),
  CONSTRAINT movement_to_location_code_fk FOREIGN KEY (to_location_code) REFERENCES stock.location (code),
  CONSTRAINT movement_reverses_fk FOREIGN KEY (reverses) REFERENCES stock.movement (id)
)
/
CREATE TABLE IF NOT EXISTS stock.reorder_rule (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  location_code VARCHAR(40) NOT NULL,
  min_qty NUMERIC(22,6) NOT NULL,
  max_qty NUMERIC(22,6) NOT NULL,
  multiple NUMERIC(22,6) NOT NULL,
  reorder_mode VARCHAR(6) NOT NULL CONSTRAINT reorder_rule_reorder_mode_ck CHECK (reorder_mode IN ('AUTO', 'MANUAL')),
  route VARCHAR(11) NOT NULL CONSTRAINT reorder_rule_route_ck CHECK (route IN ('BUY', 'MANUFACTURE')),
  preferred_supplier_code VARCHAR(32),
  CONSTRAINT reorder_rule_pk PRIMARY KEY (id),
  CONSTRAINT reorder_rule_article_code_location_code_uq UNIQUE (article_code, location_code),
  CONSTRAINT reorder_rule_article_code_fk FOREIGN KEY (article_code) REFERENCES stock.article (code),
  CONSTRAINT reorder_rule_location_code_fk FOREIGN KEY (location_code) REFERENCES stock.location (code)
)
/
CREATE TABLE IF NOT EXISTS stock.replenishment_request (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  location_code VARCHAR(40) NOT NULL,
  quantity NUMERIC(22,6) NOT NULL,
  route VARCHAR(11) NOT NULL CONSTRAINT replenishment_request_route_ck CHECK (route IN ('BUY', 'MANUFACTURE')),
  supplier_code VARCHAR(32),
  state VARCHAR(9) NOT NULL CONSTRAINT replenishment_request_state_ck CHECK (state IN ('OPEN', 'ORDERED', 'DONE', 'CANCELLED')),
  need_key VARCHAR(200) NOT NULL,
  CONSTRAINT replenishment_request_pk PRIMARY KEY (id),
  CONSTRAINT replenishment_request_need_key_uq UNIQUE (need_key),
  CONSTRAINT replenishment_request_article_code_fk FOREIGN KEY (article_code) REFERENCES stock.article (code)
)
/
CREATE INDEX IF NOT EXISTS movement_article_ix ON stock.movement (article_code, location_code, created_at)
/
CREATE INDEX IF NOT EXISTS movement_occurred_ix ON stock.movement (occurred_at)
/
CREATE INDEX IF NOT EXISTS request_state_ix ON stock.replenishment_request (state, created_at)
/

-- schema production (production)
CREATE SCHEMA IF NOT EXISTS production
/
CREATE TABLE IF NOT EXISTS production.schema_version (
  version BIGINT NOT NULL,
  description VARCHAR(200) NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: tools, maintenance, bills of materials, manufacturing orders, progress, operators
CREATE TABLE IF NOT EXISTS production.tool (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  code VARCHAR(32) NOT NULL,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(14) NOT NULL CONSTRAINT tool_kind_ck CHECK (kind IN ('MOULD', 'INSPECTION_JIG', 'GAUGE', 'CUTTING_DIE', 'FIXTURE', 'MACHINE', 'ELECTRODE', 'OTHER')),
  state VARCHAR(14) NOT NULL CONSTRAINT tool_state_ck CHECK (state IN ('AVAILABLE', 'IN_USE', 'IN_MAINTENANCE', 'SCRAPPED')),
  location VARCHAR(100) NOT NULL,
  cycle_counter BIGINT NOT NULL,
  cycles_at_last_maintenance BIGINT NOT NULL,
  max_cycles BIGINT,
  cycles_to_maintenance BIGINT,
  next_maintenance_on DATE,
  last_maintenance_on DATE,
  purchased_on DATE,
  purchase_price NUMERIC(22,6),
  note TEXT,
  CONSTRAINT tool_pk PRIMARY KEY (id),
  CONSTRAINT tool_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS production.maintenance_record (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  tool_code VARCHAR(32) NOT NULL,
  kind VARCHAR(11) NOT NULL CONSTRAINT maintenance_record_kind_ck CHECK (kind IN ('PREVENTIVE', 'CORRECTIVE', 'CALIBRATION')),
  performed_on DATE NOT NULL,
  cycle_counter BIGINT NOT NULL,
  performed_by VARCHAR(100) NOT NULL,
  note VARCHAR(1000),
  next_due_on DATE,
  CONSTRAINT maintenance_record_pk PRIMARY KEY (id),
  CONSTRAINT maintenance_record_tool_code_fk FOREIGN KEY (tool_code) REFERENCES production.tool (code)
)
/
CREATE TABLE IF NOT EXISTS production.bill_of_materials (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  name VARCHAR(200) NOT NULL,
  batch_qty NUMERIC(22,6) NOT NULL,
  CONSTRAINT bill_of_materials_pk PRIMARY KEY (id),
  CONSTRAINT bill_of_materials_article_code_uq UNIQUE (article_code)
)
/
CREATE TABLE IF NOT EXISTS production.bom_line (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  bom_id VARCHAR(36) NOT NULL,
  line_no BIGINT NOT NULL,
  component_code VARCHAR(32) NOT NULL,
  quantity NUMERIC(22,6) NOT NULL,
  unit VARCHAR(20) NOT NULL,
  CONSTRAINT bom_line_pk PRIMARY KEY (id),
  CONSTRAINT bom_line_bom_id_line_no_uq UNIQUE (bom_id, line_no),
  CONSTRAINT bom_line_bom_id_fk FOREIGN KEY (bom_id) REFERENCES production.bill_of_materials (id)
)
/
CREATE TABLE IF NOT EXISTS production.manufacturing_order (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  mo_number VARCHAR(32) NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  quantity NUMERIC(22,6) NOT NULL,
  state VARCHAR(11) NOT NULL CONSTRAINT manufacturing_order_state_ck CHECK (state IN ('DRAFT', 'CONFIRMED', 'IN_PROGRESS', 'DONE', 'CLOSED', 'CANCELLED')),
  planned_start_on DATE NOT NULL,
  planned_end_on DATE NOT NULL,
  deadline_on DATE,
  origin_order_number VARCHAR(40),
  customer_code VARCHAR(32),
  note TEXT,
  CONSTRAINT manufacturing_order_pk PRIMARY KEY (id),
  CONSTRAINT manufacturing_order_mo_number_uq UNIQUE (mo_number)
)
/
CREATE TABLE IF NOT EXISTS production.manufacturing_order_tool (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  mo_number VARCHAR(32) NOT NULL,
  tool_code VARCHAR(32) NOT NULL,
  CONSTRAINT manufacturing_order_tool_pk PRIMARY KEY (id),
  CONSTRAINT manufacturing_order_tool_mo_number_tool_code_uq UNIQUE (mo_number, tool_code),
  CONSTRAINT manufacturing_order_tool_mo_number_fk FOREIGN KEY (mo_number) REFERENCES production.manufacturing_order (mo_number),
  CONSTRAINT manufacturing_order_tool_tool_code_fk FOREIGN KEY (tool_code) REFERENCES production.tool (code)
)
/
CREATE TABLE IF NOT EXISTS production.progress_entry (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  mo_number VARCHAR(32) NOT NULL,
  entry_at TIMESTAMPTZ NOT NULL,
  qty_good NUMERIC(22,6) NOT NULL,
  qty_scrap NUMERIC(22,6) NOT NULL,
  operator VARCHAR(3) NOT NULL,
  work_station VARCHAR(60) NOT NULL,
  note TEXT,
  recorded_at TIMESTAMPTZ,
  CONSTRAINT progress_entry_pk PRIMARY KEY (id),
  CONSTRAINT progress_entry_mo_number_fk FOREIGN KEY (mo_number) REFERENCES production.manufacturing_order (mo_number)
)
/
CREATE TABLE IF NOT EXISTS production.shop_operator (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  trigram VARCHAR(3) NOT NULL,
  badge_number VARCHAR(20) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  active BOOLEAN NOT NULL,
  CONSTRAINT shop_operator_pk PRIMARY KEY (id),
  CONSTRAINT shop_operator_trigram_uq UNIQUE (trigram),
  CONSTRAINT shop_operator_badge_number_uq UNIQUE (badge_number)
)
/
CREATE INDEX IF NOT EXISTS maintenance_tool_ix ON production.maintenance_record (tool_code, performed_on)
/
CREATE INDEX IF NOT EXISTS mo_state_ix ON production.manufacturing_order (state, mo_number)
/
CREATE INDEX IF NOT EXISTS mo_tool_tool_ix ON production.manufacturing_order_tool (tool_code)
/
CREATE INDEX IF NOT EXISTS progress_mo_ix ON production.progress_entry (mo_number, entry_at)
/

-- schema clients (clients)
CREATE SCHEMA IF NOT EXISTS clients
/
CREATE TABLE IF NOT EXISTS clients.schema_version (
  version BIGINT NOT NULL,
  description VARCHAR(200) NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: customers, their contacts, GDPR consents, customer orders and their lines
CREATE TABLE IF NOT EXISTS clients.customer (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  code VARCHAR(20) NOT NULL,
  name VARCHAR(200) NOT NULL,
  siret VARCHAR(14),
  vat_number VARCHAR(20),
  contact_emails VARCHAR(1000),
  phone VARCHAR(30),
  billing_line1 VARCHAR(200) NOT NULL,
  billing_line2 VARCHAR(200),
  billing_postal_code VARCHAR(20) NOT NULL,
  billing_city VARCHAR(100) NOT NULL,
  billing_country VARCHAR(2) NOT NULL,
  delivery_line1 VARCHAR(200),
  delivery_line2 VARCHAR(200),
  delivery_postal_code VARCHAR(20),
  delivery_city VARCHAR(100),
  delivery_country VARCHAR(2),
  payment_terms_days BIGINT NOT NULL,
  active BOOLEAN NOT NULL,
  note TEXT,
  legacy_updated_at TIMESTAMPTZ,
  legacy_id VARCHAR(40),
  erased_at TIMESTAMPTZ,
  CONSTRAINT customer_pk PRIMARY KEY (id),
  CONSTRAINT customer_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS clients.customer_contact (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  customer_id VARCHAR(36) NOT NULL,
  civility VARCHAR(10),
  first_name VARCHAR(80) NOT NULL,
  last_name VARCHAR(80) NOT NULL,
  job_title VARCHAR(80),
  email VARCHAR(254),
  phone VARCHAR(30),
  mobile VARCHAR(30),
  principal BOOLEAN NOT NULL,
  legacy_id VARCHAR(40),
  CONSTRAINT customer_contact_pk PRIMARY KEY (id),
  CONSTRAINT customer_contact_customer_id_last_name_first_name_uq UNIQUE (customer_id, last_name, first_name),
  CONSTRAINT customer_contact_customer_id_fk FOREIGN KEY (customer_id) REFERENCES clients.customer (id)
)
/
CREATE TABLE IF NOT EXISTS clients.contact_consent (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  contact_id VARCHAR(36) NOT NULL,
  purpose VARCHAR(22) NOT NULL CONSTRAINT contact_consent_purpose_ck CHECK (purpose IN ('NEWSLETTER', 'COMMERCIAL_OFFERS', 'SATISFACTION_SURVEYS', 'TRADE_SHOW_INVITATIONS')),
  granted BOOLEAN NOT NULL,
  collected_at TIMESTAMPTZ NOT NULL,
  channel VARCHAR(60) NOT NULL,
  withdrawn_at TIMESTAMPTZ,
  proof VARCHAR(1000),
  CONSTRAINT contact_consent_pk PRIMARY KEY (id),
  CONSTRAINT contact_consent_contact_id_purpose_collected_at_uq UNIQUE (contact_id, purpose, collected_at),
  CONSTRAINT contact_consent_contact_id_fk FOREIGN KEY (contact_id) REFERENCES clients.customer_contact (id)
)
/
CREATE TABLE IF NOT EXISTS clients.customer_consent (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  customer_id VARCHAR(36) NOT NULL,
  purpose VARCHAR(22) NOT NULL CONSTRAINT customer_consent_purpose_ck CHECK (purpose IN ('NEWSLETTER', 'COMMERCIAL_OFFERS', 'SATISFACTION_SURVEYS', 'TRADE_SHOW_INVITATIONS')),
  granted BOOLEAN NOT NULL,
  collected_at TIMESTAMPTZ NOT NULL,
  channel VARCHAR(60) NOT NULL,
  withdrawn_at TIMESTAMPTZ,
  proof VARCHAR(1000),
  CONSTRAINT customer_consent_pk PRIMARY KEY (id),
  CONSTRAINT customer_consent_customer_id_purpose_uq UNIQUE (customer_id, purpose),
  CONSTRAINT customer_consent_customer_id_fk FOREIGN KEY (customer_id) REFERENCES clients.customer (id)
)
/
CREATE TABLE IF NOT EXISTS clients.customer_order (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  order_number VARCHAR(20) NOT NULL,
  customer_code VARCHAR(20) NOT NULL,
  customer_reference VARCHAR(60),
  order_date DATE NOT NULL,
  requested_date DATE NOT NULL,
  promised_date DATE,
  currency VARCHAR(3) NOT NULL,
  note VARCHAR(1000),
  state VARCHAR(13) NOT NULL CONSTRAINT customer_order_state_ck CHECK (state IN ('DRAFT', 'CONFIRMED', 'IN_PRODUCTION', 'READY', 'DELIVERED', 'CLOSED', 'CANCELLED')),
  legacy_total_excl_tax NUMERIC(22,6),
  CONSTRAINT customer_order_pk PRIMARY KEY (id),
  CONSTRAINT customer_order_order_number_uq UNIQUE (order_number),
  CONSTRAINT customer_order_customer_code_fk FOREIGN KEY (customer_code) REFERENCES clients.customer (code)
)
/
CREATE TABLE IF NOT EXISTS clients.customer_order_line (
  id VARCHAR(36) NOT NULL,
  revision BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  order_id VARCHAR(36) NOT NULL,
  line_no BIGINT NOT NULL,
  article_code VARCHAR(32) NOT NULL,
  description VARCHAR(500) NOT NULL,
  quantity NUMERIC(22,6) NOT NULL,
  unit_price NUMERIC(22,6) NOT NULL,
  discount_percent NUMERIC(22,6) NOT NULL,
  CONSTRAINT customer_order_line_pk PRIMARY KEY (id),
  CONSTRAINT customer_order_line_order_id_line_no_uq UNIQUE (order_id, line_no),
  CONSTRAINT customer_order_line_order_id_fk FOREIGN KEY (order_id) REFERENCES clients.customer_order (id)
)
/
CREATE INDEX IF NOT EXISTS customer_name_ix ON clients.customer (name)
/
CREATE INDEX IF NOT EXISTS customer_order_customer_ix ON clients.customer_order (customer_code, order_number)
/
CREATE INDEX IF NOT EXISTS customer_order_state_ix ON clients.customer_order (state, requested_date)
/

