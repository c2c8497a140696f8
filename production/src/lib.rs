//! The production domain: tools and their maintenance, bills of materials,
//! manufacturing orders and the progress reported on them from the shop floor, served
//! over gRPC by [`api::ProductionApi`], and the e-mail to the customer when an order
//! made for one is done ([`notify`]).

pub mod api;
pub mod domain;
pub mod legacy;
pub mod notify;
pub mod storage;
