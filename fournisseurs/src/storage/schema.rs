//! The fournisseurs schema, version by version. Released versions are never edited.

use std::sync::LazyLock;

use bascule_platform::db::schema::{
    ColumnType as T, SchemaChange, SchemaDef, SchemaName, TableDef, Version, index,
};

pub(crate) const PO_STATES: &[&str] = &["DRAFT", "RFQ_SENT", "CONFIRMED", "CLOSED", "CANCELLED"];
pub(crate) const BILL_STATES: &[&str] = &["DRAFT", "POSTED", "CANCELLED"];
pub(crate) const PAYMENT_METHODS: &[&str] = &[
    "TRANSFER",
    "BILL_OF_EXCHANGE",
    "CHEQUE",
    "DIRECT_DEBIT",
    "CARD",
];

fn v1() -> Vec<SchemaChange> {
    let supplier = &["code"];
    let tables = [
        TableDef::entity("supplier")
            .required("code", T::Text(32))
            .required("name", T::Text(200))
            .optional("siret", T::Text(14))
            .optional("order_emails", T::Text(1000))
            .optional("phone", T::Text(30))
            .required("address_line1", T::Text(200))
            .optional("address_line2", T::Text(200))
            .optional("postal_code", T::Text(20))
            .required("city", T::Text(100))
            .required("country", T::Text(2))
            .optional("iban", T::Text(34))
            .optional("bic", T::Text(11))
            .required("payment_terms_days", T::Int)
            .required("currency", T::Text(3))
            .required("active", T::Bool)
            // Written by the migration only (see legacy_rows.rs): GESCOM's DATE_MAJ.
            .optional("legacy_updated_on", T::Date)
            .unique(&["code"]),
        // Written by the migration only: the GESCOM ids of each supplier (several when
        // GESCOM had several records of it), until lookups read the crosswalk.
        TableDef::entity("supplier_legacy_id")
            .required("legacy_id", T::Text(20))
            .required("supplier_code", T::Text(32))
            .unique(&["legacy_id"])
            .references(&["supplier_code"], "supplier", supplier),
        // article_code belongs to the stock domain: a plain code, no foreign key.
        TableDef::entity("supplier_article")
            .required("supplier_code", T::Text(32))
            .required("article_code", T::Text(32))
            .optional("supplier_sku", T::Text(60))
            .required("unit_price", T::MONEY)
            .required("min_order_qty", T::QUANTITY)
            .required("lead_time_days", T::Int)
            .required("preferred", T::Bool)
            .unique(&["supplier_code", "article_code"])
            .references(&["supplier_code"], "supplier", supplier),
        TableDef::entity("purchase_order")
            .required("po_number", T::Text(20))
            .required("supplier_code", T::Text(32))
            .required("state", T::Enum(PO_STATES))
            .required("order_date", T::Date)
            .optional("requested_delivery_date", T::Date)
            .required("currency", T::Text(3))
            .required("buyer", T::Text(100))
            // Up to PurchaseOrder::NOTE_MAX characters: more than Oracle's VARCHAR2 holds.
            .optional("note", T::LongText)
            // Written by the migration only: GESCOM's ID_BC and MONTANT_HT.
            .optional("legacy_id", T::Text(20))
            .optional("legacy_total_excl_tax", T::MONEY)
            .unique(&["po_number"])
            .references(&["supplier_code"], "supplier", supplier),
        TableDef::entity("purchase_order_line")
            .required("order_id", T::Id)
            .required("line_no", T::Int)
            .required("article_code", T::Text(32))
            .required("description", T::Text(200))
            .required("quantity", T::QUANTITY)
            .required("unit", T::Text(20))
            .required("unit_price", T::MONEY)
            .required("discount_percent", T::QUANTITY)
            .required("qty_received", T::QUANTITY)
            .optional("last_receipt_date", T::Date)
            .unique(&["order_id", "line_no"])
            .references(&["order_id"], "purchase_order", &["id"]),
        // A receipt of goods on an order; its lines name the stock movements they posted
        // (ids of the stock domain: plain text, no foreign key).
        TableDef::entity("receipt")
            .required("po_number", T::Text(20))
            .required("location_code", T::Text(32))
            .required("received_on", T::Date)
            .required("user_name", T::Text(100))
            .optional("note", T::Text(200))
            .references(&["po_number"], "purchase_order", &["po_number"]),
        TableDef::entity("receipt_line")
            .required("receipt_id", T::Id)
            .required("line_no", T::Int)
            .required("article_code", T::Text(32))
            .required("quantity", T::QUANTITY)
            .required("movement_id", T::Text(36))
            .unique(&["receipt_id", "line_no"])
            .references(&["receipt_id"], "receipt", &["id"]),
        TableDef::entity("supplier_bill")
            .required("supplier_code", T::Text(32))
            .optional("po_number", T::Text(20))
            .required("invoice_number", T::Text(40))
            .required("invoice_date", T::Date)
            .required("due_date", T::Date)
            .optional("amount_excl_tax", T::MONEY)
            .optional("tax_amount", T::MONEY)
            .required("amount_incl_tax", T::MONEY)
            .required("state", T::Enum(BILL_STATES))
            // Written by the migration only: GESCOM's ID_PAIEMENT.
            .optional("legacy_id", T::Text(20))
            .unique(&["supplier_code", "invoice_number"])
            .references(&["supplier_code"], "supplier", supplier)
            .references(&["po_number"], "purchase_order", &["po_number"]),
        TableDef::entity("payment")
            .required("bill_id", T::Id)
            .required("paid_on", T::Date)
            .required("amount", T::MONEY)
            .required("method", T::Enum(PAYMENT_METHODS))
            .optional("reference", T::Text(100))
            .references(&["bill_id"], "supplier_bill", &["id"]),
    ];
    let mut changes: Vec<SchemaChange> =
        tables.into_iter().map(SchemaChange::CreateTable).collect();
    changes.extend([
        index(
            "supplier_article_article_ix",
            "supplier_article",
            &["article_code"],
        ),
        index(
            "purchase_order_supplier_ix",
            "purchase_order",
            &["supplier_code", "po_number"],
        ),
        index(
            "supplier_bill_due_ix",
            "supplier_bill",
            &["due_date", "state"],
        ),
        index("supplier_bill_po_ix", "supplier_bill", &["po_number"]),
        index("receipt_po_ix", "receipt", &["po_number", "received_on"]),
        index("payment_bill_ix", "payment", &["bill_id", "paid_on"]),
    ]);
    changes
}

static SCHEMA: LazyLock<SchemaDef> = LazyLock::new(|| {
    SchemaDef::new(
        SchemaName::Fournisseurs,
        vec![Version {
            number: 1,
            description: "suppliers, supplier articles, purchase orders, receipts, bills, payments",
            changes: v1(),
        }],
    )
});

pub fn schema() -> &'static SchemaDef {
    &SCHEMA
}

pub(crate) fn table(name: &str) -> &'static TableDef {
    // The names are this module's own constants: a miss is a programming error caught by every test.
    #[allow(clippy::expect_used)]
    SCHEMA
        .table(name)
        .expect("fournisseurs table defined in schema v1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BillState, PaymentMethod, PoState};

    #[test]
    fn check_constraints_match_the_domain_enums() {
        let po: Vec<&str> = PoState::ALL.iter().map(|s| s.as_str()).collect();
        let bill: Vec<&str> = BillState::ALL.iter().map(|s| s.as_str()).collect();
        let method: Vec<&str> = PaymentMethod::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(po, PO_STATES);
        assert_eq!(bill, BILL_STATES);
        assert_eq!(method, PAYMENT_METHODS);
    }
}
