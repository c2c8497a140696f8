//! The clients domain (being written).
