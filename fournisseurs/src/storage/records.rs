//! How each fournisseurs entity maps to its table's columns.

use bascule_platform::db::record::Record;
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::{DbError, Row, Value};

use super::schema::table;
use crate::domain::{
    Address, BillState, FournisseursError, Payment, PaymentMethod, PoState, PurchaseOrder,
    PurchaseOrderLine, Receipt, ReceiptLine, Supplier, SupplierArticle, SupplierBill,
};

fn decode_err(e: FournisseursError) -> DbError {
    DbError::Decode(e.to_string())
}

impl Record for Supplier {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "code";

    fn table_def() -> &'static TableDef {
        table("supplier")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let a = &self.address;
        vec![
            ("code", (&self.code).into()),
            ("name", (&self.name).into()),
            ("siret", self.siret.clone().into()),
            // An empty list is stored as an empty text, which every backend keeps as NULL.
            ("order_emails", self.order_emails_text().into()),
            ("phone", self.phone.clone().into()),
            ("address_line1", (&a.line1).into()),
            ("address_line2", a.line2.clone().into()),
            ("postal_code", a.postal_code.clone().into()),
            ("city", (&a.city).into()),
            ("country", (&a.country).into()),
            ("iban", self.iban.clone().into()),
            ("bic", self.bic.clone().into()),
            ("payment_terms_days", self.payment_terms_days.into()),
            ("currency", (&self.currency).into()),
            ("active", self.active.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        let emails: Option<String> = row.get("order_emails")?;
        Ok(Supplier {
            code: row.get("code")?,
            name: row.get("name")?,
            siret: row.get("siret")?,
            order_emails: emails
                .as_deref()
                .map(Supplier::parse_order_emails)
                .unwrap_or_default(),
            phone: row.get("phone")?,
            address: Address {
                line1: row.get("address_line1")?,
                line2: row.get("address_line2")?,
                postal_code: row.get("postal_code")?,
                city: row.get("city")?,
                country: row.get("country")?,
            },
            iban: row.get("iban")?,
            bic: row.get("bic")?,
            payment_terms_days: row.get("payment_terms_days")?,
            currency: row.get("currency")?,
            active: row.get("active")?,
        })
    }
}

impl Record for SupplierArticle {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "article_code";

    fn table_def() -> &'static TableDef {
        table("supplier_article")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("supplier_code", (&self.supplier_code).into()),
            ("article_code", (&self.article_code).into()),
            ("supplier_sku", self.supplier_sku.clone().into()),
            ("unit_price", self.unit_price.into()),
            ("min_order_qty", self.min_order_qty.into()),
            ("lead_time_days", self.lead_time_days.into()),
            ("preferred", self.preferred.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(SupplierArticle {
            supplier_code: row.get("supplier_code")?,
            article_code: row.get("article_code")?,
            supplier_sku: row.get("supplier_sku")?,
            unit_price: row.get("unit_price")?,
            min_order_qty: row.get("min_order_qty")?,
            lead_time_days: row.get("lead_time_days")?,
            preferred: row.get("preferred")?,
        })
    }
}

impl Record for PurchaseOrder {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "po_number";

    fn table_def() -> &'static TableDef {
        table("purchase_order")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("po_number", (&self.po_number).into()),
            ("supplier_code", (&self.supplier_code).into()),
            ("state", self.state.as_str().into()),
            ("order_date", self.order_date.into()),
            (
                "requested_delivery_date",
                self.requested_delivery_date.into(),
            ),
            ("currency", (&self.currency).into()),
            ("buyer", (&self.buyer).into()),
            ("note", self.note.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(PurchaseOrder {
            po_number: row.get("po_number")?,
            supplier_code: row.get("supplier_code")?,
            state: PoState::parse(&row.get::<String>("state")?).map_err(decode_err)?,
            order_date: row.get("order_date")?,
            requested_delivery_date: row.get("requested_delivery_date")?,
            currency: row.get("currency")?,
            buyer: row.get("buyer")?,
            note: row.get("note")?,
        })
    }
}

/// A line as stored: the domain line does not know the id of its order, the row does.
#[derive(Debug, Clone)]
pub(crate) struct LineRow {
    pub order_id: String,
    pub line: PurchaseOrderLine,
}

impl Record for LineRow {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "line_no";

    fn table_def() -> &'static TableDef {
        table("purchase_order_line")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let l = &self.line;
        vec![
            ("order_id", (&self.order_id).into()),
            ("line_no", l.line_no.into()),
            ("article_code", (&l.article_code).into()),
            ("description", (&l.description).into()),
            ("quantity", l.quantity.into()),
            ("unit", (&l.unit).into()),
            ("unit_price", l.unit_price.into()),
            ("discount_percent", l.discount_percent.into()),
            ("qty_received", l.qty_received.into()),
            ("last_receipt_date", l.last_receipt_date.into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(LineRow {
            order_id: row.get("order_id")?,
            line: PurchaseOrderLine {
                line_no: row.get("line_no")?,
                article_code: row.get("article_code")?,
                description: row.get("description")?,
                quantity: row.get("quantity")?,
                unit: row.get("unit")?,
                unit_price: row.get("unit_price")?,
                discount_percent: row.get("discount_percent")?,
                qty_received: row.get("qty_received")?,
                last_receipt_date: row.get("last_receipt_date")?,
            },
        })
    }
}

impl Record for SupplierBill {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "invoice_date";

    fn table_def() -> &'static TableDef {
        table("supplier_bill")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("supplier_code", (&self.supplier_code).into()),
            ("po_number", self.po_number.clone().into()),
            ("invoice_number", (&self.invoice_number).into()),
            ("invoice_date", self.invoice_date.into()),
            ("due_date", self.due_date.into()),
            ("amount_excl_tax", self.amount_excl_tax.into()),
            ("tax_amount", self.tax_amount.into()),
            ("amount_incl_tax", self.amount_incl_tax.into()),
            ("state", self.state.as_str().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(SupplierBill {
            supplier_code: row.get("supplier_code")?,
            po_number: row.get("po_number")?,
            invoice_number: row.get("invoice_number")?,
            invoice_date: row.get("invoice_date")?,
            due_date: row.get("due_date")?,
            amount_excl_tax: row.get("amount_excl_tax")?,
            tax_amount: row.get("tax_amount")?,
            amount_incl_tax: row.get("amount_incl_tax")?,
            state: BillState::parse(&row.get::<String>("state")?).map_err(decode_err)?,
        })
    }
}

impl Record for Payment {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "paid_on";

    fn table_def() -> &'static TableDef {
        table("payment")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("bill_id", (&self.bill_id).into()),
            ("paid_on", self.paid_on.into()),
            ("amount", self.amount.into()),
            ("method", self.method.as_str().into()),
            ("reference", self.reference.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Payment {
            bill_id: row.get("bill_id")?,
            paid_on: row.get("paid_on")?,
            amount: row.get("amount")?,
            method: PaymentMethod::parse(&row.get::<String>("method")?).map_err(decode_err)?,
            reference: row.get("reference")?,
        })
    }
}

impl Record for Receipt {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "received_on";

    fn table_def() -> &'static TableDef {
        table("receipt")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("po_number", (&self.po_number).into()),
            ("location_code", (&self.location_code).into()),
            ("received_on", self.received_on.into()),
            ("user_name", (&self.user_name).into()),
            ("note", self.note.clone().into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(Receipt {
            po_number: row.get("po_number")?,
            location_code: row.get("location_code")?,
            received_on: row.get("received_on")?,
            user_name: row.get("user_name")?,
            note: row.get("note")?,
        })
    }
}

/// A receipt line as stored: the domain line does not know its receipt's id, the row does.
#[derive(Debug, Clone)]
pub(crate) struct ReceiptLineRow {
    pub receipt_id: String,
    pub line: ReceiptLine,
}

impl Record for ReceiptLineRow {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "line_no";

    fn table_def() -> &'static TableDef {
        table("receipt_line")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let l = &self.line;
        vec![
            ("receipt_id", (&self.receipt_id).into()),
            ("line_no", l.line_no.into()),
            ("article_code", (&l.article_code).into()),
            ("quantity", l.quantity.into()),
            ("movement_id", (&l.movement_id).into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(ReceiptLineRow {
            receipt_id: row.get("receipt_id")?,
            line: ReceiptLine {
                line_no: row.get("line_no")?,
                article_code: row.get("article_code")?,
                quantity: row.get("quantity")?,
                movement_id: row.get("movement_id")?,
            },
        })
    }
}
