//! Sources: files to tables.
mod scalar;
mod typing;
