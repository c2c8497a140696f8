//! The production domain: tools and their maintenance, bills of materials,
//! manufacturing orders and the progress reported on them from the shop floor.

pub mod domain;
pub mod legacy;
pub mod storage;
