//! The one integration-test binary: the real CLI on small fixed-seed
//! scenarios (`cli`), and the engine against queueing theory on long runs
//! (`theory`).

mod backlog;
mod capacity;
mod cli;
mod dialling;
mod fuzz;
mod guards;
mod invariants;
mod plans;
mod report;
mod staffing;
mod theory;
mod whatif;
mod workbook;
