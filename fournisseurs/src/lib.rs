//! The fournisseurs domain (being written).
