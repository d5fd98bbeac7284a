//! Syntax: query text to AST.
pub mod ast;
