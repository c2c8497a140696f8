//! Mappings are data: a TOML file per domain says how legacy records become entities.

pub mod lookup;
pub mod lookup_normalize;
pub mod rule;
pub mod rule_bounds;
pub mod spec;
pub mod transform;
pub mod transform_dates;
pub mod transform_lookup;
pub mod transform_number;
pub mod transform_text;
pub mod transform_time;
pub mod val;
