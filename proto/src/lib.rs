//! The gRPC contracts of the four bascule services, generated from `protos/` at build time.

#![allow(missing_debug_implementations, unused_qualifications, clippy::all)]

/// Module paths follow the proto packages, so that generated cross-package paths resolve.
pub mod google {
    pub mod r#type {
        tonic::include_proto!("google.r#type");
    }
}

// `pub mod bascule { pub mod <domain> { pub mod v1 { … } } }` and `pub use bascule::<domain>`
// for every package under protos/bascule.
include!(concat!(env!("OUT_DIR"), "/packages.rs"));

/// Every file of our services and their imports, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/bascule_descriptor.bin"));
