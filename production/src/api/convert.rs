//! Production messages to domain values and back; the domain's checks run on the way in.

use bascule_platform::db::record::{Stored, now};
use bascule_proto::production::v1 as pb;
use bascule_rpc::ApiError;
use bascule_rpc::convert::{
    decimal, enum_by_name, etag, optional_decimal, optional_text, parse_decimal,
    parse_optional_decimal, parse_timestamp, proto_enum, timestamp,
};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::{
    BillOfMaterials, BomLine, MaintenanceKind, MaintenanceRecord, ManufacturingOrder, MoState,
    ProgressEntry, Tool, ToolKind, ToolState,
};

pub fn date(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: i32::try_from(d.month()).unwrap_or_default(),
        day: i32::try_from(d.day()).unwrap_or_default(),
    }
}

/// An optional day: absent, or all zeros as google.type.Date has it, is `None`.
pub fn parse_optional_date(
    field: &str,
    d: Option<&pb::Date>,
) -> Result<Option<NaiveDate>, ApiError> {
    match d {
        None
        | Some(pb::Date {
            year: 0,
            month: 0,
            day: 0,
        }) => Ok(None),
        Some(d) => u32::try_from(d.month)
            .ok()
            .zip(u32::try_from(d.day).ok())
            .and_then(|(m, day)| NaiveDate::from_ymd_opt(d.year, m, day))
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid(
                    field,
                    format!(
                        "{}-{}-{} is not a day of the calendar",
                        d.year, d.month, d.day
                    ),
                )
            }),
    }
}

pub fn parse_date(field: &str, d: Option<&pb::Date>) -> Result<NaiveDate, ApiError> {
    parse_optional_date(field, d)?.ok_or_else(|| ApiError::invalid(field, "is required"))
}

pub fn tool_from(t: &pb::Tool) -> Result<Tool, ApiError> {
    let kind = enum_by_name::<pb::ToolKind>("kind", t.kind, |e| e.as_str_name())?;
    let state = enum_by_name::<pb::ToolState>("state", t.state, |e| e.as_str_name())?;
    Ok(Tool {
        code: t.code.clone(),
        name: t.name.clone(),
        kind: ToolKind::parse(kind)?,
        state: ToolState::parse(state)?,
        location: t.location.clone(),
        cycle_counter: t.cycle_counter,
        cycles_at_last_maintenance: t.cycles_at_last_maintenance,
        max_cycles_between_maintenance: t.max_cycles_between_maintenance,
        next_maintenance_on: parse_optional_date(
            "next_maintenance_date",
            t.next_maintenance_date.as_ref(),
        )?,
        last_maintenance_on: parse_optional_date(
            "last_maintenance_date",
            t.last_maintenance_date.as_ref(),
        )?,
        purchased_on: parse_optional_date("purchase_date", t.purchase_date.as_ref())?,
        purchase_price: parse_optional_decimal("purchase_price", t.purchase_price.as_ref())?,
        note: optional_text(&t.note),
    }
    .validate()?)
}

pub fn tool(s: Stored<Tool>) -> pb::Tool {
    let cycles_to_maintenance = s.value.cycles_to_maintenance();
    let t = s.value;
    pb::Tool {
        code: t.code,
        name: t.name,
        kind: proto_enum(t.kind.as_str(), pb::ToolKind::from_str_name) as i32,
        state: proto_enum(t.state.as_str(), pb::ToolState::from_str_name) as i32,
        location: t.location,
        cycle_counter: t.cycle_counter,
        cycles_at_last_maintenance: t.cycles_at_last_maintenance,
        max_cycles_between_maintenance: t.max_cycles_between_maintenance,
        cycles_to_maintenance,
        next_maintenance_date: t.next_maintenance_on.map(date),
        last_maintenance_date: t.last_maintenance_on.map(date),
        purchase_date: t.purchased_on.map(date),
        purchase_price: optional_decimal(t.purchase_price),
        note: t.note.unwrap_or_default(),
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

/// A record of maintenance on `tool_code`; without a counter, the tool's `counter`.
pub fn maintenance_from(
    tool_code: &str,
    m: &pb::MaintenanceRecord,
    counter: i64,
) -> Result<MaintenanceRecord, ApiError> {
    let kind = enum_by_name::<pb::MaintenanceKind>("kind", m.kind, |e| e.as_str_name())?;
    Ok(MaintenanceRecord {
        tool_code: tool_code.to_owned(),
        kind: MaintenanceKind::parse(kind)?,
        performed_on: parse_date("performed_date", m.performed_date.as_ref())?,
        cycle_counter: m.cycle_counter.unwrap_or(counter),
        performed_by: m.performed_by.clone(),
        note: optional_text(&m.note),
        next_due_on: parse_optional_date("next_due_date", m.next_due_date.as_ref())?,
    }
    .validate()?)
}

pub fn maintenance(s: Stored<MaintenanceRecord>) -> pb::MaintenanceRecord {
    let m = s.value;
    pb::MaintenanceRecord {
        id: s.id,
        tool_code: m.tool_code,
        kind: proto_enum(m.kind.as_str(), pb::MaintenanceKind::from_str_name) as i32,
        performed_date: Some(date(m.performed_on)),
        cycle_counter: Some(m.cycle_counter),
        performed_by: m.performed_by,
        note: m.note.unwrap_or_default(),
        next_due_date: m.next_due_on.map(date),
        create_time: Some(timestamp(s.created_at)),
    }
}

pub fn bom_from(b: &pb::BillOfMaterials) -> Result<BillOfMaterials, ApiError> {
    let lines = b
        .lines
        .iter()
        .map(|l| {
            let quantity = parse_decimal("lines.quantity", l.quantity.as_ref())?;
            Ok(BomLine::new(
                l.line_no,
                &l.component_code,
                quantity,
                &l.unit,
            )?)
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(BillOfMaterials::new(
        &b.article_code,
        &b.name,
        parse_decimal("batch_quantity", b.batch_quantity.as_ref())?,
        lines,
    )?)
}

pub fn bom(s: Stored<BillOfMaterials>) -> pb::BillOfMaterials {
    let b = s.value;
    pb::BillOfMaterials {
        article_code: b.article_code,
        name: b.name,
        batch_quantity: Some(decimal(b.batch_qty)),
        lines: b
            .lines
            .into_iter()
            .map(|l| pb::BomLine {
                line_no: l.line_no,
                component_code: l.component_code,
                quantity: Some(decimal(l.quantity)),
                unit: l.unit,
            })
            .collect(),
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

pub fn order_from(o: &pb::ManufacturingOrder) -> Result<ManufacturingOrder, ApiError> {
    let state = enum_by_name::<pb::ManufacturingOrderState>("state", o.state, |e| e.as_str_name())?;
    Ok(ManufacturingOrder {
        mo_number: o.mo_number.clone(),
        article_code: o.article_code.clone(),
        quantity: parse_decimal("quantity", o.quantity.as_ref())?,
        state: MoState::parse(state)?,
        planned_start_on: parse_date("planned_start_date", o.planned_start_date.as_ref())?,
        planned_end_on: parse_date("planned_end_date", o.planned_end_date.as_ref())?,
        deadline_on: parse_optional_date("deadline_date", o.deadline_date.as_ref())?,
        origin_order_number: optional_text(&o.origin_order_number),
        customer_code: optional_text(&o.customer_code),
        tool_codes: o.tool_codes.clone(),
        note: optional_text(&o.note),
    }
    .validate()?)
}

pub fn order(s: Stored<ManufacturingOrder>) -> pb::ManufacturingOrder {
    let o = s.value;
    pb::ManufacturingOrder {
        mo_number: o.mo_number,
        article_code: o.article_code,
        quantity: Some(decimal(o.quantity)),
        state: proto_enum(o.state.as_str(), pb::ManufacturingOrderState::from_str_name) as i32,
        planned_start_date: Some(date(o.planned_start_on)),
        planned_end_date: Some(date(o.planned_end_on)),
        deadline_date: o.deadline_on.map(date),
        origin_order_number: o.origin_order_number.unwrap_or_default(),
        customer_code: o.customer_code.unwrap_or_default(),
        tool_codes: o.tool_codes,
        note: o.note.unwrap_or_default(),
        etag: etag(s.revision),
        create_time: Some(timestamp(s.created_at)),
        update_time: Some(timestamp(s.updated_at)),
    }
}

/// An entry reported on `mo_number`; checked by the store, which knows the order.
pub fn progress_from(mo_number: &str, e: &pb::ProgressEntry) -> Result<ProgressEntry, ApiError> {
    let quantity = |field: &str, d| {
        parse_optional_decimal(field, d).map(|q: Option<Decimal>| q.unwrap_or(Decimal::ZERO))
    };
    Ok(ProgressEntry {
        mo_number: mo_number.to_owned(),
        entry_at: match &e.entry_time {
            Some(t) => parse_timestamp("entry_time", t)?,
            None => now(),
        },
        qty_good: quantity("good_quantity", e.good_quantity.as_ref())?,
        qty_scrap: quantity("scrap_quantity", e.scrap_quantity.as_ref())?,
        operator: e.operator.clone(),
        work_station: e.work_station.clone(),
        note: optional_text(&e.note),
        recorded_at: None,
    })
}

pub fn progress(s: Stored<ProgressEntry>) -> pb::ProgressEntry {
    let e = s.value;
    pb::ProgressEntry {
        id: s.id,
        mo_number: e.mo_number,
        entry_time: Some(timestamp(e.entry_at)),
        good_quantity: Some(decimal(e.qty_good)),
        scrap_quantity: Some(decimal(e.qty_scrap)),
        operator: e.operator,
        work_station: e.work_station,
        note: e.note.unwrap_or_default(),
        record_time: e.recorded_at.map(timestamp),
        create_time: Some(timestamp(s.created_at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_bad_ones_are_refused() {
        let d = NaiveDate::from_ymd_opt(1879, 7, 1).unwrap();
        assert_eq!(parse_date("d", Some(&date(d))).unwrap(), d);
        assert_eq!(
            parse_optional_date("d", Some(&pb::Date::default())).unwrap(),
            None
        );
        let bad = pb::Date {
            year: 2025,
            month: 2,
            day: 30,
        };
        assert!(parse_optional_date("d", Some(&bad)).is_err());
        assert!(parse_date("d", None).is_err());
    }
}
