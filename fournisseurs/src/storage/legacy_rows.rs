//! The rows the migration writes: a domain record plus what only the migration knows
//! about it (GESCOM's ids, its last change, its recorded total), in columns the store's
//! own records leave alone — an insert or update through the API never touches them.
//!
//! GESCOM's ids are kept because the engine's lookups read a column of the target table:
//! they cannot read the crosswalk (where the engine records every legacy key) yet. Once
//! they can (`by = "legacy_key"`), `legacy_id` and `supplier_legacy_id` can go.

use bascule_platform::db::record::Record;
use bascule_platform::db::schema::{SchemaName, TableDef};
use bascule_platform::db::{DbError, Row, Value};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::schema::table;
use crate::domain::{FournisseursError, PurchaseOrder, Supplier, SupplierBill};

/// A supplier taken over from GESCOM, with the date its record was last changed there
/// (`DATE_MAJ`): of two records of one code, the newer wins.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegacySupplier {
    pub supplier: Supplier,
    pub updated_on: Option<NaiveDate>,
}

impl Record for LegacySupplier {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = Supplier::ORDER_BY;

    fn table_def() -> &'static TableDef {
        Supplier::table_def()
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let mut values = self.supplier.to_values();
        values.push(("legacy_updated_on", self.updated_on.into()));
        values
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(LegacySupplier {
            supplier: Supplier::from_row(row)?,
            updated_on: row.get("legacy_updated_on")?,
        })
    }
}

/// One GESCOM id of a supplier (`ID_FOURNISSEUR`) and the code it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SupplierLegacyId {
    pub legacy_id: String,
    pub supplier_code: String,
}

impl SupplierLegacyId {
    pub fn validate(self) -> Result<Self, FournisseursError> {
        let legacy_id = self.legacy_id.trim().to_owned();
        if legacy_id.is_empty() || legacy_id.chars().count() > 20 {
            return Err(FournisseursError::invalid(
                "legacy_id",
                "must be 1 to 20 characters",
            ));
        }
        Ok(SupplierLegacyId {
            legacy_id,
            supplier_code: crate::domain::check_code("supplier_code", &self.supplier_code, 32)?,
        })
    }
}

impl Record for SupplierLegacyId {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = "legacy_id";

    fn table_def() -> &'static TableDef {
        table("supplier_legacy_id")
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("legacy_id", (&self.legacy_id).into()),
            ("supplier_code", (&self.supplier_code).into()),
        ]
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(SupplierLegacyId {
            legacy_id: row.get("legacy_id")?,
            supplier_code: row.get("supplier_code")?,
        })
    }
}

/// A purchase order taken over from GESCOM: its `ID_BC`, and the total excluding tax
/// GESCOM recorded (`MONTANT_HT`, "sum of the lines"), checked against the lines loaded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegacyOrder {
    pub order: PurchaseOrder,
    pub legacy_id: String,
    pub total_excl_tax: Option<Decimal>,
}

impl Record for LegacyOrder {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = PurchaseOrder::ORDER_BY;

    fn table_def() -> &'static TableDef {
        PurchaseOrder::table_def()
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let mut values = self.order.to_values();
        values.push(("legacy_id", (&self.legacy_id).into()));
        values.push(("legacy_total_excl_tax", self.total_excl_tax.into()));
        values
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(LegacyOrder {
            order: PurchaseOrder::from_row(row)?,
            legacy_id: row.get::<Option<String>>("legacy_id")?.unwrap_or_default(),
            total_excl_tax: row.get("legacy_total_excl_tax")?,
        })
    }
}

/// A supplier bill taken over from GESCOM, with its `ID_PAIEMENT`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegacyBill {
    pub bill: SupplierBill,
    pub legacy_id: String,
}

impl Record for LegacyBill {
    const SCHEMA: SchemaName = SchemaName::Fournisseurs;
    const ORDER_BY: &'static str = SupplierBill::ORDER_BY;

    fn table_def() -> &'static TableDef {
        SupplierBill::table_def()
    }

    fn to_values(&self) -> Vec<(&'static str, Value)> {
        let mut values = self.bill.to_values();
        values.push(("legacy_id", (&self.legacy_id).into()));
        values
    }

    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(LegacyBill {
            bill: SupplierBill::from_row(row)?,
            legacy_id: row.get::<Option<String>>("legacy_id")?.unwrap_or_default(),
        })
    }
}
