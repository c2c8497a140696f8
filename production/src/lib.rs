//! The production domain (being written).
