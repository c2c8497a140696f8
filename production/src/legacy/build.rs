//! How mapped legacy fields become production entities: through the domain's own
//! `validate()` (the rules of the API), a domain error becoming a violation that names
//! the field, the rule and the value found.

use bascule_migrate::engine::entity::MappedFields;
use bascule_migrate::mapping::val::Violation;
use bascule_platform::db::Value;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::domain::{
    ManufacturingOrder, MoState, Operator, ProductionError, ProgressEntry, Tool, ToolKind,
    ToolState, check_code,
};
use crate::storage::records::{OrderHeader, OrderTool};

/// A value as a person reads it in a quarantine message.
fn shown(value: &Value) -> String {
    match value {
        Value::Null(_) => "nothing".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Decimal(d) => d.normalize().to_string(),
        Value::Text(s) => format!("{s:?}"),
        Value::Date(d) => d.to_string(),
        Value::Timestamp(t) => t.to_rfc3339(),
    }
}

/// A domain error as a violation: `invalid_<field>`, with the value the mapping gave.
fn violation(fields: &MappedFields, error: ProductionError) -> Violation {
    match error {
        ProductionError::Invalid { field, reason } => {
            let found = fields
                .iter()
                .find(|(name, _)| name.as_str() == field)
                .map(|(_, v)| format!(" (found {})", shown(v)))
                .unwrap_or_default();
            Violation::new(
                format!("invalid_{field}"),
                format!("{field} {reason}{found}"),
            )
        }
        other => Violation::new("domain", other.to_string()),
    }
}

/// A text field, empty when absent: the domain says whether it may be.
fn text(fields: &MappedFields, name: &str) -> Result<String, Violation> {
    Ok(fields.opt::<String>(name)?.unwrap_or_default())
}

/// An enum field the mapping has already mapped to the domain's value.
fn parsed<T>(
    fields: &MappedFields,
    name: &str,
    parse: fn(&str) -> Result<T, ProductionError>,
) -> Result<T, Violation> {
    parse(&text(fields, name)?).map_err(|e| violation(fields, e))
}

/// The kind a tool code's family prefix stands for (`MOU-0012`, Bellignat's `BMOU-0012`).
fn kind_of_code(code: &str) -> Option<ToolKind> {
    let prefix = code.split('-').next().unwrap_or_default();
    let family = match prefix.len() {
        4 => prefix.strip_prefix('B').unwrap_or(prefix),
        _ => prefix,
    };
    Some(match family {
        "MOU" => ToolKind::Mould,
        "GAB" => ToolKind::InspectionJig,
        "CAL" => ToolKind::Gauge,
        "DEC" => ToolKind::CuttingDie,
        "PPC" => ToolKind::Fixture,
        "MAC" => ToolKind::Machine,
        "ELE" => ToolKind::Electrode,
        _ => return None,
    })
}

/// A tool of `Outillage`. Its counters start from the legacy counter (none kept: 0),
/// and its kind, read from the `Type` column, must agree with its code's family.
pub(super) fn tool(f: &MappedFields) -> Result<Tool, Violation> {
    let code = text(f, "code")?;
    let kind = parsed(f, "kind", ToolKind::parse)?;
    if let Some(expected) = kind_of_code(&code)
        && expected != kind
    {
        return Err(Violation::new(
            "kind_mismatch",
            format!(
                "the code {code} is a {} but its Type says {}",
                expected.as_str(),
                kind.as_str()
            ),
        ));
    }
    Tool {
        code,
        name: text(f, "name")?,
        kind,
        state: parsed(f, "state", ToolState::parse)?,
        location: text(f, "location")?,
        cycle_counter: f.opt("cycle_counter")?.unwrap_or(0),
        cycles_at_last_maintenance: 0,
        max_cycles_between_maintenance: f.opt("max_cycles")?,
        next_maintenance_on: f.opt("next_maintenance_on")?,
        last_maintenance_on: f.opt("last_maintenance_on")?,
        purchased_on: f.opt("purchased_on")?,
        purchase_price: f.opt("purchase_price")?,
        note: f.opt("note")?,
    }
    .validate()
    .map_err(|e| violation(f, e))
}

pub(super) fn operator(f: &MappedFields) -> Result<Operator, Violation> {
    Operator {
        trigram: text(f, "trigram")?,
        badge_number: text(f, "badge_number")?,
        last_name: text(f, "last_name")?,
        first_name: text(f, "first_name")?,
        active: f.opt("active")?.unwrap_or(true),
    }
    .validate()
    .map_err(|e| violation(f, e))
}

/// An order header; its tools come from their own feeds (`manufacturing_order_tool`).
pub(super) fn order(f: &MappedFields) -> Result<OrderHeader, Violation> {
    let start = f.opt("planned_start_on")?;
    let end = f.opt("planned_end_on")?;
    let (Some(planned_start_on), Some(planned_end_on)) = (start, end) else {
        return Err(Violation::new(
            "required",
            "an order needs its launch date and its planned end",
        ));
    };
    let quantity: Option<Decimal> = f.opt("quantity")?;
    ManufacturingOrder {
        mo_number: text(f, "mo_number")?,
        article_code: text(f, "article_code")?,
        quantity: quantity.unwrap_or_default(),
        state: parsed(f, "state", MoState::parse)?,
        planned_start_on,
        planned_end_on,
        deadline_on: f.opt("deadline_on")?,
        origin_order_number: f.opt("origin_order_number")?,
        customer_code: f.opt("customer_code")?,
        tool_codes: Vec::new(),
        note: f.opt("note")?,
    }
    .validate()
    .map(OrderHeader)
    .map_err(|e| violation(f, e))
}

/// A tool used by an order: both codes checked as an order checks its own tool list.
pub(super) fn order_tool(f: &MappedFields) -> Result<OrderTool, Violation> {
    let code = |field: &'static str| -> Result<String, Violation> {
        check_code(field, &text(f, field)?, 32).map_err(|e| violation(f, e))
    };
    Ok(OrderTool {
        mo_number: code("mo_number")?,
        tool_code: code("tool_code")?,
    })
}

/// A production declaration. One dated after the moment of the migration cannot have
/// happened yet: a typing error of the year.
pub(super) fn progress(f: &MappedFields) -> Result<ProgressEntry, Violation> {
    let Some(entry_at) = f.opt::<DateTime<Utc>>("entry_at")? else {
        return Err(Violation::new("required", "entry_at: a value is required"));
    };
    if entry_at > Utc::now() {
        return Err(Violation::new(
            "future_entry",
            format!(
                "entry_at {} is in the future: a declaration reports work already done",
                entry_at.to_rfc3339()
            ),
        ));
    }
    ProgressEntry {
        mo_number: text(f, "mo_number")?,
        entry_at,
        qty_good: f.opt("qty_good")?.unwrap_or_default(),
        qty_scrap: f.opt("qty_scrap")?.unwrap_or_default(),
        operator: text(f, "operator")?,
        work_station: text(f, "work_station")?,
        note: f.opt("note")?,
        recorded_at: f.opt("recorded_at")?,
    }
    .validate()
    .map_err(|e| violation(f, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn fields(pairs: &[(&str, Value)]) -> MappedFields {
        MappedFields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn t(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    fn a_tool(code: &str, kind: &str, counter: i64) -> MappedFields {
        fields(&[
            ("code", t(code)),
            ("name", t("Moule capot")),
            ("kind", t(kind)),
            ("state", t("IN_USE")),
            ("location", t("Oyonnax")),
            ("cycle_counter", Value::Int(counter)),
        ])
    }

    #[test]
    fn tools_go_through_the_domain_rules() {
        let ok = tool(&a_tool("BMOU-0012", "MOULD", 5)).unwrap();
        assert_eq!((ok.code.as_str(), ok.cycle_counter), ("BMOU-0012", 5));
        let err = tool(&a_tool("MOU-0012", "GAUGE", 5)).unwrap_err();
        assert_eq!(err.rule, "kind_mismatch");
        let err = tool(&a_tool("MOU-0012", "MOULD", -7)).unwrap_err();
        assert_eq!(err.rule, "invalid_cycle_counter");
        assert!(err.message.contains("found -7"), "{}", err.message);
        let err = tool(&a_tool("MOU-0012", "BROKEN", 1)).unwrap_err();
        assert_eq!(err.rule, "invalid_kind");
    }

    #[test]
    fn links_and_entries_are_checked() {
        let link = order_tool(&fields(&[
            ("mo_number", t("OF21-0001")),
            ("tool_code", t("MOU-0001")),
        ]))
        .unwrap();
        assert_eq!(link.tool_code, "MOU-0001");
        let bad = fields(&[("mo_number", t("OF21-0001")), ("tool_code", t("mou 1"))]);
        assert_eq!(order_tool(&bad).unwrap_err().rule, "invalid_tool_code");
        let future = fields(&[(
            "entry_at",
            Value::Timestamp(Utc::now() + chrono::Duration::days(2)),
        )]);
        assert_eq!(progress(&future).unwrap_err().rule, "future_entry");
    }
}
