-- schema control (control)
CREATE TABLE IF NOT EXISTS control.schema_version (
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: control tables: states, runs, quarantine, crosswalk, reports, outbox, API requests
CREATE TABLE IF NOT EXISTS control.domain_state (
  domain TEXT NOT NULL,
  state TEXT NOT NULL CONSTRAINT domain_state_state_ck CHECK (state IN ('LEGACY', 'MIGRATING', 'VERIFIED', 'LIVE', 'RETIRED')),
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  CONSTRAINT domain_state_pk PRIMARY KEY (domain)
)
/
CREATE TABLE IF NOT EXISTS control.domain_transition (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  domain TEXT NOT NULL,
  from_state TEXT NOT NULL CONSTRAINT domain_transition_from_state_ck CHECK (from_state IN ('LEGACY', 'MIGRATING', 'VERIFIED', 'LIVE', 'RETIRED')),
  to_state TEXT NOT NULL CONSTRAINT domain_transition_to_state_ck CHECK (to_state IN ('LEGACY', 'MIGRATING', 'VERIFIED', 'LIVE', 'RETIRED')),
  changed_by TEXT NOT NULL,
  report_id TEXT,
  reason TEXT,
  CONSTRAINT domain_transition_pk PRIMARY KEY (id)
)
/
CREATE TABLE IF NOT EXISTS control.migration_run (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  domain TEXT NOT NULL,
  status TEXT NOT NULL CONSTRAINT migration_run_status_ck CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
  dry_run INTEGER NOT NULL CONSTRAINT migration_run_dry_run_ck CHECK (dry_run IN (0, 1)),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  started_by TEXT,
  fingerprints TEXT,
  summary TEXT,
  CONSTRAINT migration_run_pk PRIMARY KEY (id)
)
/
CREATE TABLE IF NOT EXISTS control.checkpoint (
  run_id TEXT NOT NULL,
  source TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CONSTRAINT checkpoint_pk PRIMARY KEY (run_id, source),
  CONSTRAINT checkpoint_run_id_fk FOREIGN KEY (run_id) REFERENCES migration_run (id)
)
/
CREATE TABLE IF NOT EXISTS control.quarantine (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  run_id TEXT NOT NULL,
  domain TEXT NOT NULL,
  source TEXT NOT NULL,
  locator TEXT NOT NULL,
  rule TEXT NOT NULL,
  message TEXT NOT NULL,
  raw_values TEXT NOT NULL,
  status TEXT NOT NULL CONSTRAINT quarantine_status_ck CHECK (status IN ('OPEN', 'ACCEPTED', 'REPLAYED')),
  CONSTRAINT quarantine_pk PRIMARY KEY (id),
  CONSTRAINT quarantine_run_id_fk FOREIGN KEY (run_id) REFERENCES migration_run (id)
)
/
CREATE TABLE IF NOT EXISTS control.crosswalk (
  domain TEXT NOT NULL,
  entity TEXT NOT NULL,
  legacy_key TEXT NOT NULL,
  new_id TEXT NOT NULL,
  source TEXT NOT NULL,
  matched_by TEXT NOT NULL,
  score TEXT,
  run_id TEXT,
  created_at TEXT NOT NULL,
  CONSTRAINT crosswalk_pk PRIMARY KEY (domain, entity, legacy_key)
)
/
CREATE TABLE IF NOT EXISTS control.report (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  domain TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_id TEXT,
  content TEXT NOT NULL,
  CONSTRAINT report_pk PRIMARY KEY (id)
)
/
CREATE TABLE IF NOT EXISTS control.outbox (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  domain TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  recipients TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  kind TEXT,
  payload TEXT,
  state TEXT NOT NULL CONSTRAINT outbox_state_ck CHECK (state IN ('PENDING', 'SENDING', 'SENT', 'DEAD', 'CANCELLED')),
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  sent_at TEXT,
  CONSTRAINT outbox_pk PRIMARY KEY (id),
  CONSTRAINT outbox_dedup_key_uq UNIQUE (dedup_key)
)
/
CREATE TABLE IF NOT EXISTS control.api_request (
  service TEXT NOT NULL,
  request_id TEXT NOT NULL,
  method TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  state TEXT NOT NULL CONSTRAINT api_request_state_ck CHECK (state IN ('PENDING', 'DONE')),
  response TEXT,
  created_at TEXT NOT NULL,
  CONSTRAINT api_request_pk PRIMARY KEY (service, request_id)
)
/
CREATE INDEX IF NOT EXISTS control.quarantine_run_ix ON quarantine (run_id, status)
/
CREATE INDEX IF NOT EXISTS control.crosswalk_new_id_ix ON crosswalk (new_id)
/
CREATE INDEX IF NOT EXISTS control.outbox_due_ix ON outbox (state, next_attempt_at)
/
CREATE INDEX IF NOT EXISTS control.migration_run_domain_ix ON migration_run (domain, started_at)
/
CREATE UNIQUE INDEX IF NOT EXISTS control.domain_transition_order_ux ON domain_transition (domain, created_at, id)
/
-- version 2: switch-over procedure: reactivation check tokens, legacy fingerprints
CREATE TABLE IF NOT EXISTS control.check_token (
  token_hash TEXT NOT NULL,
  domain TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  CONSTRAINT check_token_pk PRIMARY KEY (token_hash)
)
/
ALTER TABLE control.quarantine ADD COLUMN decided_by TEXT
/
ALTER TABLE control.quarantine ADD COLUMN decision TEXT
/
CREATE TABLE IF NOT EXISTS control.legacy_source (
  domain TEXT NOT NULL,
  source TEXT NOT NULL,
  source_table TEXT NOT NULL,
  location TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  digest TEXT NOT NULL,
  file_sha256 TEXT,
  file_size INTEGER,
  run_id TEXT,
  taken_at TEXT NOT NULL,
  CONSTRAINT legacy_source_pk PRIMARY KEY (domain, source, source_table)
)
/
CREATE TABLE IF NOT EXISTS control.legacy_record (
  domain TEXT NOT NULL,
  source TEXT NOT NULL,
  source_table TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  digest TEXT NOT NULL,
  locator TEXT NOT NULL,
  record_key TEXT,
  CONSTRAINT legacy_record_pk PRIMARY KEY (domain, source, source_table, ordinal)
)
/

-- schema fournisseurs (fournisseurs)
CREATE TABLE IF NOT EXISTS fournisseurs.schema_version (
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: suppliers, supplier articles, purchase orders, receipts, bills, payments
CREATE TABLE IF NOT EXISTS fournisseurs.supplier (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  siret TEXT,
  order_emails TEXT,
  phone TEXT,
  address_line1 TEXT NOT NULL,
  address_line2 TEXT,
  postal_code TEXT,
  city TEXT NOT NULL,
  country TEXT NOT NULL,
  iban TEXT,
  bic TEXT,
  payment_terms_days INTEGER NOT NULL,
  currency TEXT NOT NULL,
  active INTEGER NOT NULL CONSTRAINT supplier_active_ck CHECK (active IN (0, 1)),
  legacy_updated_on TEXT,
  CONSTRAINT supplier_pk PRIMARY KEY (id),
  CONSTRAINT supplier_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.supplier_legacy_id (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  legacy_id TEXT NOT NULL,
  supplier_code TEXT NOT NULL,
  CONSTRAINT supplier_legacy_id_pk PRIMARY KEY (id),
  CONSTRAINT supplier_legacy_id_legacy_id_uq UNIQUE (legacy_id),
  CONSTRAINT supplier_legacy_id_supplier_code_fk FOREIGN KEY (supplier_code) REFERENCES supplier (code)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.supplier_article (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  supplier_code TEXT NOT NULL,
  article_code TEXT NOT NULL,
  supplier_sku TEXT,
  unit_price TEXT NOT NULL,
  min_order_qty TEXT NOT NULL,
  lead_time_days INTEGER NOT NULL,
  preferred INTEGER NOT NULL CONSTRAINT supplier_article_preferred_ck CHECK (preferred IN (0, 1)),
  CONSTRAINT supplier_article_pk PRIMARY KEY (id),
  CONSTRAINT supplier_article_supplier_code_article_code_uq UNIQUE (supplier_code, article_code),
  CONSTRAINT supplier_article_supplier_code_fk FOREIGN KEY (supplier_code) REFERENCES supplier (code)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.purchase_order (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  po_number TEXT NOT NULL,
  supplier_code TEXT NOT NULL,
  state TEXT NOT NULL CONSTRAINT purchase_order_state_ck CHECK (state IN ('DRAFT', 'RFQ_SENT', 'CONFIRMED', 'CLOSED', 'CANCELLED')),
  order_date TEXT NOT NULL,
  requested_delivery_date TEXT,
  currency TEXT NOT NULL,
  buyer TEXT NOT NULL,
  note TEXT,
  legacy_id TEXT,
  legacy_total_excl_tax TEXT,
  CONSTRAINT purchase_order_pk PRIMARY KEY (id),
  CONSTRAINT purchase_order_po_number_uq UNIQUE (po_number),
  CONSTRAINT purchase_order_supplier_code_fk FOREIGN KEY (supplier_code) REFERENCES supplier (code)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.purchase_order_line (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  order_id TEXT NOT NULL,
  line_no INTEGER NOT NULL,
  article_code TEXT NOT NULL,
  description TEXT NOT NULL,
  quantity TEXT NOT NULL,
  unit TEXT NOT NULL,
  unit_price TEXT NOT NULL,
  discount_percent TEXT NOT NULL,
  qty_received TEXT NOT NULL,
  last_receipt_date TEXT,
  CONSTRAINT purchase_order_line_pk PRIMARY KEY (id),
  CONSTRAINT purchase_order_line_order_id_line_no_uq UNIQUE (order_id, line_no),
  CONSTRAINT purchase_order_line_order_id_fk FOREIGN KEY (order_id) REFERENCES purchase_order (id)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.receipt (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  po_number TEXT NOT NULL,
  location_code TEXT NOT NULL,
  received_on TEXT NOT NULL,
  user_name TEXT NOT NULL,
  note TEXT,
  CONSTRAINT receipt_pk PRIMARY KEY (id),
  CONSTRAINT receipt_po_number_fk FOREIGN KEY (po_number) REFERENCES purchase_order (po_number)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.receipt_line (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  receipt_id TEXT NOT NULL,
  line_no INTEGER NOT NULL,
  article_code TEXT NOT NULL,
  quantity TEXT NOT NULL,
  movement_id TEXT NOT NULL,
  CONSTRAINT receipt_line_pk PRIMARY KEY (id),
  CONSTRAINT receipt_line_receipt_id_line_no_uq UNIQUE (receipt_id, line_no),
  CONSTRAINT receipt_line_receipt_id_fk FOREIGN KEY (receipt_id) REFERENCES receipt (id)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.supplier_bill (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  supplier_code TEXT NOT NULL,
  po_number TEXT,
  invoice_number TEXT NOT NULL,
  invoice_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  amount_excl_tax TEXT,
  tax_amount TEXT,
  amount_incl_tax TEXT NOT NULL,
  state TEXT NOT NULL CONSTRAINT supplier_bill_state_ck CHECK (state IN ('DRAFT', 'POSTED', 'CANCELLED')),
  legacy_id TEXT,
  CONSTRAINT supplier_bill_pk PRIMARY KEY (id),
  CONSTRAINT supplier_bill_supplier_code_invoice_number_uq UNIQUE (supplier_code, invoice_number),
  CONSTRAINT supplier_bill_supplier_code_fk FOREIGN KEY (supplier_code) REFERENCES supplier (code),
  CONSTRAINT supplier_bill_po_number_fk FOREIGN KEY (po_number) REFERENCES purchase_order (po_number)
)
/
CREATE TABLE IF NOT EXISTS fournisseurs.payment (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  bill_id TEXT NOT NULL,
  paid_on TEXT NOT NULL,
  amount TEXT NOT NULL,
  method TEXT NOT NULL CONSTRAINT payment_method_ck CHECK (method IN ('TRANSFER', 'BILL_OF_EXCHANGE', 'CHEQUE', 'DIRECT_DEBIT', 'CARD')),
  reference TEXT,
  CONSTRAINT payment_pk PRIMARY KEY (id),
  CONSTRAINT payment_bill_id_fk FOREIGN KEY (bill_id) REFERENCES supplier_bill (id)
)
/
CREATE INDEX IF NOT EXISTS fournisseurs.supplier_article_article_ix ON supplier_article (article_code)
/
CREATE INDEX IF NOT EXISTS fournisseurs.purchase_order_supplier_ix ON purchase_order (supplier_code, po_number)
/
CREATE INDEX IF NOT EXISTS fournisseurs.supplier_bill_due_ix ON supplier_bill (due_date, state)
/
CREATE INDEX IF NOT EXISTS fournisseurs.supplier_bill_po_ix ON supplier_bill (po_number)
/
CREATE INDEX IF NOT EXISTS fournisseurs.receipt_po_ix ON receipt (po_number, received_on)
/
CREATE INDEX IF NOT EXISTS fournisseurs.payment_bill_ix ON payment (bill_id, paid_on)
/

-- schema stock (stock)
CREATE TABLE IF NOT EXISTS stock.schema_version (
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: articles, locations, levels, movement ledger, reorder rules
CREATE TABLE IF NOT EXISTS stock.article (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CONSTRAINT article_kind_ck CHECK (kind IN ('RAW_MATERIAL', 'COMPONENT', 'CONSUMABLE', 'PACKAGING', 'SEMI_FINISHED', 'FINISHED_GOOD')),
  unit TEXT NOT NULL,
  replenishment TEXT NOT NULL CONSTRAINT article_replenishment_ck CHECK (replenishment IN ('BUY', 'MANUFACTURE')),
  active INTEGER NOT NULL CONSTRAINT article_active_ck CHECK (active IN (0, 1)),
  unit_cost TEXT,
  CONSTRAINT article_pk PRIMARY KEY (id),
  CONSTRAINT article_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS stock.location (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  warehouse TEXT NOT NULL,
  active INTEGER NOT NULL CONSTRAINT location_active_ck CHECK (active IN (0, 1)),
  CONSTRAINT location_pk PRIMARY KEY (id),
  CONSTRAINT location_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS stock.stock_level (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  article_code TEXT NOT NULL,
  location_code TEXT NOT NULL,
  on_hand TEXT NOT NULL,
  reserved TEXT NOT NULL,
  incoming TEXT NOT NULL,
  CONSTRAINT stock_level_pk PRIMARY KEY (id),
  CONSTRAINT stock_level_article_code_location_code_uq UNIQUE (article_code, location_code),
  CONSTRAINT stock_level_article_code_fk FOREIGN KEY (article_code) REFERENCES article (code),
  CONSTRAINT stock_level_location_code_fk FOREIGN KEY (location_code) REFERENCES location (code)
)
/
CREATE TABLE IF NOT EXISTS stock.movement (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  kind TEXT NOT NULL CONSTRAINT movement_kind_ck CHECK (kind IN ('RECEIPT', 'ISSUE', 'TRANSFER', 'ADJUSTMENT', 'PRODUCTION_CONSUMPTION', 'PRODUCTION_OUTPUT', 'DELIVERY')),
  article_code TEXT NOT NULL,
  location_code TEXT NOT NULL,
  to_location_code TEXT,
  quantity TEXT NOT NULL,
  reference TEXT,
  occurred_at TEXT NOT NULL,
  user_name TEXT NOT NULL,
  note TEXT,
  reverses TEXT,
  CONSTRAINT movement_pk PRIMARY KEY (id),
  CONSTRAINT movement_reverses_uq UNIQUE (reverses),
  CONSTRAINT movement_article_code_fk FOREIGN KEY (article_code) REFERENCES article (code),
  CONSTRAINT movement_location_code_fk FOREIGN KEY (location_code) REFERENCES location (code),
  CONSTRAINT movement_to_location_code_fk FOREIGN KEY (to_location_code) REFERENCES location (code),
  CONSTRAINT movement_reverses_fk FOREIGN KEY (reverses) REFERENCES movement (id)
)
/
CREATE TABLE IF NOT EXISTS stock.reorder_rule (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  article_code TEXT NOT NULL,
  location_code TEXT NOT NULL,
  min_qty TEXT NOT NULL,
  max_qty TEXT NOT NULL,
  multiple TEXT NOT NULL,
  reorder_mode TEXT NOT NULL CONSTRAINT reorder_rule_reorder_mode_ck CHECK (reorder_mode IN ('AUTO', 'MANUAL')),
  route TEXT NOT NULL CONSTRAINT reorder_rule_route_ck CHECK (route IN ('BUY', 'MANUFACTURE')),
  preferred_supplier_code TEXT,
  CONSTRAINT reorder_rule_pk PRIMARY KEY (id),
  CONSTRAINT reorder_rule_article_code_location_code_uq UNIQUE (article_code, location_code),
  CONSTRAINT reorder_rule_article_code_fk FOREIGN KEY (article_code) REFERENCES article (code),
  CONSTRAINT reorder_rule_location_code_fk FOREIGN KEY (location_code) REFERENCES location (code)
)
/
CREATE TABLE IF NOT EXISTS stock.replenishment_request (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  article_code TEXT NOT NULL,
  location_code TEXT NOT NULL,
  quantity TEXT NOT NULL,
  route TEXT NOT NULL CONSTRAINT replenishment_request_route_ck CHECK (route IN ('BUY', 'MANUFACTURE')),
  supplier_code TEXT,
  state TEXT NOT NULL CONSTRAINT replenishment_request_state_ck CHECK (state IN ('OPEN', 'ORDERED', 'DONE', 'CANCELLED')),
  need_key TEXT NOT NULL,
  CONSTRAINT replenishment_request_pk PRIMARY KEY (id),
  CONSTRAINT replenishment_request_need_key_uq UNIQUE (need_key),
  CONSTRAINT replenishment_request_article_code_fk FOREIGN KEY (article_code) REFERENCES article (code)
)
/
CREATE INDEX IF NOT EXISTS stock.movement_article_ix ON movement (article_code, location_code, created_at)
/
CREATE INDEX IF NOT EXISTS stock.movement_occurred_ix ON movement (occurred_at)
/
CREATE INDEX IF NOT EXISTS stock.request_state_ix ON replenishment_request (state, created_at)
/

-- schema production (production)
CREATE TABLE IF NOT EXISTS production.schema_version (
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: tools, maintenance, bills of materials, manufacturing orders, progress, operators
CREATE TABLE IF NOT EXISTS production.tool (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CONSTRAINT tool_kind_ck CHECK (kind IN ('MOULD', 'INSPECTION_JIG', 'GAUGE', 'CUTTING_DIE', 'FIXTURE', 'MACHINE', 'ELECTRODE', 'OTHER')),
  state TEXT NOT NULL CONSTRAINT tool_state_ck CHECK (state IN ('AVAILABLE', 'IN_USE', 'IN_MAINTENANCE', 'SCRAPPED')),
  location TEXT NOT NULL,
  cycle_counter INTEGER NOT NULL,
  cycles_at_last_maintenance INTEGER NOT NULL,
  max_cycles INTEGER,
  cycles_to_maintenance INTEGER,
  next_maintenance_on TEXT,
  last_maintenance_on TEXT,
  purchased_on TEXT,
  purchase_price TEXT,
  note TEXT,
  CONSTRAINT tool_pk PRIMARY KEY (id),
  CONSTRAINT tool_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS production.maintenance_record (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  tool_code TEXT NOT NULL,
  kind TEXT NOT NULL CONSTRAINT maintenance_record_kind_ck CHECK (kind IN ('PREVENTIVE', 'CORRECTIVE', 'CALIBRATION')),
  performed_on TEXT NOT NULL,
  cycle_counter INTEGER NOT NULL,
  performed_by TEXT NOT NULL,
  note TEXT,
  next_due_on TEXT,
  CONSTRAINT maintenance_record_pk PRIMARY KEY (id),
  CONSTRAINT maintenance_record_tool_code_fk FOREIGN KEY (tool_code) REFERENCES tool (code)
)
/
CREATE TABLE IF NOT EXISTS production.bill_of_materials (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  article_code TEXT NOT NULL,
  name TEXT NOT NULL,
  batch_qty TEXT NOT NULL,
  CONSTRAINT bill_of_materials_pk PRIMARY KEY (id),
  CONSTRAINT bill_of_materials_article_code_uq UNIQUE (article_code)
)
/
CREATE TABLE IF NOT EXISTS production.bom_line (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  bom_id TEXT NOT NULL,
  line_no INTEGER NOT NULL,
  component_code TEXT NOT NULL,
  quantity TEXT NOT NULL,
  unit TEXT NOT NULL,
  CONSTRAINT bom_line_pk PRIMARY KEY (id),
  CONSTRAINT bom_line_bom_id_line_no_uq UNIQUE (bom_id, line_no),
  CONSTRAINT bom_line_bom_id_fk FOREIGN KEY (bom_id) REFERENCES bill_of_materials (id)
)
/
CREATE TABLE IF NOT EXISTS production.manufacturing_order (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  mo_number TEXT NOT NULL,
  article_code TEXT NOT NULL,
  quantity TEXT NOT NULL,
  state TEXT NOT NULL CONSTRAINT manufacturing_order_state_ck CHECK (state IN ('DRAFT', 'CONFIRMED', 'IN_PROGRESS', 'DONE', 'CLOSED', 'CANCELLED')),
  planned_start_on TEXT NOT NULL,
  planned_end_on TEXT NOT NULL,
  deadline_on TEXT,
  origin_order_number TEXT,
  customer_code TEXT,
  note TEXT,
  CONSTRAINT manufacturing_order_pk PRIMARY KEY (id),
  CONSTRAINT manufacturing_order_mo_number_uq UNIQUE (mo_number)
)
/
CREATE TABLE IF NOT EXISTS production.manufacturing_order_tool (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  mo_number TEXT NOT NULL,
  tool_code TEXT NOT NULL,
  CONSTRAINT manufacturing_order_tool_pk PRIMARY KEY (id),
  CONSTRAINT manufacturing_order_tool_mo_number_tool_code_uq UNIQUE (mo_number, tool_code),
  CONSTRAINT manufacturing_order_tool_mo_number_fk FOREIGN KEY (mo_number) REFERENCES manufacturing_order (mo_number),
  CONSTRAINT manufacturing_order_tool_tool_code_fk FOREIGN KEY (tool_code) REFERENCES tool (code)
)
/
CREATE TABLE IF NOT EXISTS production.progress_entry (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  mo_number TEXT NOT NULL,
  entry_at TEXT NOT NULL,
  qty_good TEXT NOT NULL,
  qty_scrap TEXT NOT NULL,
  operator TEXT NOT NULL,
  work_station TEXT NOT NULL,
  note TEXT,
  recorded_at TEXT,
  CONSTRAINT progress_entry_pk PRIMARY KEY (id),
  CONSTRAINT progress_entry_mo_number_fk FOREIGN KEY (mo_number) REFERENCES manufacturing_order (mo_number)
)
/
CREATE TABLE IF NOT EXISTS production.shop_operator (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  trigram TEXT NOT NULL,
  badge_number TEXT NOT NULL,
  last_name TEXT NOT NULL,
  first_name TEXT NOT NULL,
  active INTEGER NOT NULL CONSTRAINT shop_operator_active_ck CHECK (active IN (0, 1)),
  CONSTRAINT shop_operator_pk PRIMARY KEY (id),
  CONSTRAINT shop_operator_trigram_uq UNIQUE (trigram),
  CONSTRAINT shop_operator_badge_number_uq UNIQUE (badge_number)
)
/
CREATE INDEX IF NOT EXISTS production.maintenance_tool_ix ON maintenance_record (tool_code, performed_on)
/
CREATE INDEX IF NOT EXISTS production.mo_state_ix ON manufacturing_order (state, mo_number)
/
CREATE INDEX IF NOT EXISTS production.mo_tool_tool_ix ON manufacturing_order_tool (tool_code)
/
CREATE INDEX IF NOT EXISTS production.progress_mo_ix ON progress_entry (mo_number, entry_at)
/

-- schema clients (clients)
CREATE TABLE IF NOT EXISTS clients.schema_version (
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  CONSTRAINT schema_version_pk PRIMARY KEY (version)
)
/
-- version 1: customers, their contacts, GDPR consents, customer orders and their lines
CREATE TABLE IF NOT EXISTS clients.customer (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  siret TEXT,
  vat_number TEXT,
  contact_emails TEXT,
  phone TEXT,
  billing_line1 TEXT NOT NULL,
  billing_line2 TEXT,
  billing_postal_code TEXT NOT NULL,
  billing_city TEXT NOT NULL,
  billing_country TEXT NOT NULL,
  delivery_line1 TEXT,
  delivery_line2 TEXT,
  delivery_postal_code TEXT,
  delivery_city TEXT,
  delivery_country TEXT,
  payment_terms_days INTEGER NOT NULL,
  active INTEGER NOT NULL CONSTRAINT customer_active_ck CHECK (active IN (0, 1)),
  note TEXT,
  legacy_updated_at TEXT,
  legacy_id TEXT,
  erased_at TEXT,
  CONSTRAINT customer_pk PRIMARY KEY (id),
  CONSTRAINT customer_code_uq UNIQUE (code)
)
/
CREATE TABLE IF NOT EXISTS clients.customer_contact (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  civility TEXT,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  job_title TEXT,
  email TEXT,
  phone TEXT,
  mobile TEXT,
  principal INTEGER NOT NULL CONSTRAINT customer_contact_principal_ck CHECK (principal IN (0, 1)),
  legacy_id TEXT,
  CONSTRAINT customer_contact_pk PRIMARY KEY (id),
  CONSTRAINT customer_contact_customer_id_last_name_first_name_uq UNIQUE (customer_id, last_name, first_name),
  CONSTRAINT customer_contact_customer_id_fk FOREIGN KEY (customer_id) REFERENCES customer (id)
)
/
CREATE TABLE IF NOT EXISTS clients.contact_consent (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  purpose TEXT NOT NULL CONSTRAINT contact_consent_purpose_ck CHECK (purpose IN ('NEWSLETTER', 'COMMERCIAL_OFFERS', 'SATISFACTION_SURVEYS', 'TRADE_SHOW_INVITATIONS')),
  granted INTEGER NOT NULL CONSTRAINT contact_consent_granted_ck CHECK (granted IN (0, 1)),
  collected_at TEXT NOT NULL,
  channel TEXT NOT NULL,
  withdrawn_at TEXT,
  proof TEXT,
  CONSTRAINT contact_consent_pk PRIMARY KEY (id),
  CONSTRAINT contact_consent_contact_id_purpose_collected_at_uq UNIQUE (contact_id, purpose, collected_at),
  CONSTRAINT contact_consent_contact_id_fk FOREIGN KEY (contact_id) REFERENCES customer_contact (id)
)
/
CREATE TABLE IF NOT EXISTS clients.customer_consent (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  purpose TEXT NOT NULL CONSTRAINT customer_consent_purpose_ck CHECK (purpose IN ('NEWSLETTER', 'COMMERCIAL_OFFERS', 'SATISFACTION_SURVEYS', 'TRADE_SHOW_INVITATIONS')),
  granted INTEGER NOT NULL CONSTRAINT customer_consent_granted_ck CHECK (granted IN (0, 1)),
  collected_at TEXT NOT NULL,
  channel TEXT NOT NULL,
  withdrawn_at TEXT,
  proof TEXT,
  CONSTRAINT customer_consent_pk PRIMARY KEY (id),
  CONSTRAINT customer_consent_customer_id_purpose_uq UNIQUE (customer_id, purpose),
  CONSTRAINT customer_consent_customer_id_fk FOREIGN KEY (customer_id) REFERENCES customer (id)
)
/
CREATE TABLE IF NOT EXISTS clients.customer_order (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  order_number TEXT NOT NULL,
  customer_code TEXT NOT NULL,
  customer_reference TEXT,
  order_date TEXT NOT NULL,
  requested_date TEXT NOT NULL,
  promised_date TEXT,
  currency TEXT NOT NULL,
  note TEXT,
  state TEXT NOT NULL CONSTRAINT customer_order_state_ck CHECK (state IN ('DRAFT', 'CONFIRMED', 'IN_PRODUCTION', 'READY', 'DELIVERED', 'CLOSED', 'CANCELLED')),
  legacy_total_excl_tax TEXT,
  CONSTRAINT customer_order_pk PRIMARY KEY (id),
  CONSTRAINT customer_order_order_number_uq UNIQUE (order_number),
  CONSTRAINT customer_order_customer_code_fk FOREIGN KEY (customer_code) REFERENCES customer (code)
)
/
CREATE TABLE IF NOT EXISTS clients.customer_order_line (
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  order_id TEXT NOT NULL,
  line_no INTEGER NOT NULL,
  article_code TEXT NOT NULL,
  description TEXT NOT NULL,
  quantity TEXT NOT NULL,
  unit_price TEXT NOT NULL,
  discount_percent TEXT NOT NULL,
  CONSTRAINT customer_order_line_pk PRIMARY KEY (id),
  CONSTRAINT customer_order_line_order_id_line_no_uq UNIQUE (order_id, line_no),
  CONSTRAINT customer_order_line_order_id_fk FOREIGN KEY (order_id) REFERENCES customer_order (id)
)
/
CREATE INDEX IF NOT EXISTS clients.customer_name_ix ON customer (name)
/
CREATE INDEX IF NOT EXISTS clients.customer_order_customer_ix ON customer_order (customer_code, order_number)
/
CREATE INDEX IF NOT EXISTS clients.customer_order_state_ix ON customer_order (state, requested_date)
/

