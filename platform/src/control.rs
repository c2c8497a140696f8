//! The control schema: domain states, migration runs, checkpoints, quarantine, the
//! key crosswalk, reports and the e-mail outbox.

use crate::db::schema::{
    ColumnDef, ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version, index,
    unique_index,
};

pub const DOMAIN_STATES: &[&str] = &["LEGACY", "MIGRATING", "VERIFIED", "LIVE", "RETIRED"];
pub const RUN_STATUSES: &[&str] = &["RUNNING", "SUCCEEDED", "FAILED", "ABORTED"];
pub const QUARANTINE_STATUSES: &[&str] = &["OPEN", "ACCEPTED", "REPLAYED"];
pub const OUTBOX_STATES: &[&str] = &["PENDING", "SENDING", "SENT", "DEAD", "CANCELLED"];
pub const API_REQUEST_STATES: &[&str] = &["PENDING", "DONE"];
const DOMAIN: T = T::Text(20);
const SOURCE: T = T::Text(500);

fn v1() -> Vec<SchemaChange> {
    let tables = [
        TableDef::new("domain_state")
            .required("domain", DOMAIN)
            .required("state", T::Enum(DOMAIN_STATES))
            .required("changed_at", T::Timestamp)
            .required("changed_by", T::Text(100))
            .primary_key(&["domain"]),
        TableDef::entity("domain_transition")
            .required("domain", DOMAIN)
            .required("from_state", T::Enum(DOMAIN_STATES))
            .required("to_state", T::Enum(DOMAIN_STATES))
            .required("changed_by", T::Text(100))
            .optional("report_id", T::Id)
            .optional("reason", T::Text(1000)),
        TableDef::entity("migration_run")
            .required("domain", DOMAIN)
            .required("status", T::Enum(RUN_STATUSES))
            .required("dry_run", T::Bool)
            .required("started_at", T::Timestamp)
            .optional("finished_at", T::Timestamp)
            .optional("started_by", T::Text(100))
            .optional("fingerprints", T::LongText)
            .optional("summary", T::LongText),
        TableDef::new("checkpoint")
            .required("run_id", T::Id)
            .required("source", SOURCE)
            .required("state", T::LongText)
            .required("updated_at", T::Timestamp)
            .primary_key(&["run_id", "source"])
            .references(&["run_id"], "migration_run", &["id"]),
        TableDef::entity("quarantine")
            .required("run_id", T::Id)
            .required("domain", DOMAIN)
            .required("source", SOURCE)
            .required("locator", SOURCE)
            .required("rule", T::Text(100))
            .required("message", T::Text(1000))
            .required("raw_values", T::LongText)
            .required("status", T::Enum(QUARANTINE_STATUSES))
            .references(&["run_id"], "migration_run", &["id"]),
        TableDef::new("crosswalk")
            .required("domain", DOMAIN)
            .required("entity", T::Text(60))
            .required("legacy_key", T::Text(400))
            .required("new_id", T::Id)
            .required("source", SOURCE)
            .required("matched_by", T::Text(40))
            .optional(
                "score",
                T::Decimal {
                    precision: 7,
                    scale: 6,
                },
            )
            .optional("run_id", T::Id)
            .required("created_at", T::Timestamp)
            .primary_key(&["domain", "entity", "legacy_key"]),
        TableDef::entity("report")
            .required("domain", DOMAIN)
            .required("kind", T::Text(40))
            .optional("run_id", T::Id)
            .required("content", T::LongText),
        TableDef::entity("outbox")
            .required("domain", DOMAIN)
            .required("dedup_key", T::Text(200))
            .required("message_id", T::Text(200))
            .required("recipients", T::Text(1000))
            .required("subject", T::Text(400))
            .required("body_text", T::LongText)
            .optional("body_html", T::LongText)
            // A deferred e-mail: what to compose at send time (see bascule-mail's
            // `enqueue_deferred`); NULL for an e-mail written whole.
            .optional("kind", T::Text(100))
            .optional("payload", T::LongText)
            .required("state", T::Enum(OUTBOX_STATES))
            .required("attempts", T::Int)
            .required("next_attempt_at", T::Timestamp)
            .optional("last_error", T::Text(1000))
            .optional("sent_at", T::Timestamp)
            .unique(&["dedup_key"]),
        // Creates already answered, so that a retried request returns the first answer.
        TableDef::new("api_request")
            .required("service", T::Text(40))
            .required("request_id", T::Text(100))
            .required("method", T::Text(100))
            .required("request_hash", T::Text(64))
            .required("state", T::Enum(API_REQUEST_STATES))
            .optional("response", T::LongText)
            .required("created_at", T::Timestamp)
            .primary_key(&["service", "request_id"]),
    ];
    let mut changes: Vec<SchemaChange> =
        tables.into_iter().map(SchemaChange::CreateTable).collect();
    changes.extend([
        index("quarantine_run_ix", "quarantine", &["run_id", "status"]),
        // By new id alone: with (domain, entity) first, PostgreSQL's planner chose it
        // over the primary key for legacy-key lookups on fresh statistics and scanned
        // a whole entity per batch.
        index("crosswalk_new_id_ix", "crosswalk", &["new_id"]),
        index("outbox_due_ix", "outbox", &["state", "next_attempt_at"]),
        index(
            "migration_run_domain_ix",
            "migration_run",
            &["domain", "started_at"],
        ),
        unique_index(
            "domain_transition_order_ux",
            "domain_transition",
            &["domain", "created_at", "id"],
        ),
    ]);
    changes
}

/// Version 2: what the switch-over procedure keeps between its commands.
fn v2() -> Vec<SchemaChange> {
    vec![
        SchemaChange::CreateTable(
            // A reactivation run's pass for its functional checks: writes bearing the token
            // are let through the gate of a verified (not yet live) domain until it expires.
            // Only the token's SHA-256 is kept.
            TableDef::new("check_token")
                .required("token_hash", T::Text(64))
                .required("domain", DOMAIN)
                .required("created_by", T::Text(100))
                .required("created_at", T::Timestamp)
                .required("expires_at", T::Timestamp)
                .primary_key(&["token_hash"]),
        ),
        // Who accepted a quarantined record as it is, and why: a reactivation passes only
        // when every record left in quarantine was accepted by someone.
        SchemaChange::AddColumn {
            table: "quarantine",
            column: ColumnDef {
                name: "decided_by",
                ty: T::Text(100),
                nullable: true,
            },
        },
        SchemaChange::AddColumn {
            table: "quarantine",
            column: ColumnDef {
                name: "decision",
                ty: T::Text(1000),
                nullable: true,
            },
        },
        // What each legacy table of a domain held when it was last migrated (or caught
        // up): `bascule retire` refuses while the legacy side differs from it.
        SchemaChange::CreateTable(
            TableDef::new("legacy_source")
                .required("domain", DOMAIN)
                .required("source", T::Text(100))
                .required("source_table", T::Text(200))
                .required("location", SOURCE)
                .required("row_count", T::Int)
                .required("digest", T::Text(32))
                .optional("file_sha256", T::Text(64))
                .optional("file_size", T::Int)
                .optional("run_id", T::Id)
                .required("taken_at", T::Timestamp)
                .primary_key(&["domain", "source", "source_table"]),
        ),
        // One row per legacy record: the digest of its raw values and where it stood,
        // so that a difference names the records, not only the table.
        SchemaChange::CreateTable(
            TableDef::new("legacy_record")
                .required("domain", DOMAIN)
                .required("source", T::Text(100))
                .required("source_table", T::Text(200))
                .required("ordinal", T::Int)
                .required("digest", T::Text(32))
                .required("locator", SOURCE)
                .optional("record_key", T::Text(400))
                .primary_key(&["domain", "source", "source_table", "ordinal"]),
        ),
    ]
}

pub fn schema() -> SchemaDef {
    SchemaDef::new(
        SchemaName::Control,
        vec![
            Version {
                number: 1,
                description: "control tables: states, runs, quarantine, crosswalk, reports, outbox, API requests",
                changes: v1(),
            },
            Version {
                number: 2,
                description: "switch-over procedure: reactivation check tokens, legacy fingerprints",
                changes: v2(),
            },
        ],
    )
}
