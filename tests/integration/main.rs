//! The one integration-test binary: the real CLI on small fixed-seed
//! scenarios (`cli`), and the engine against queueing theory on long runs
//! (`theory`).

mod after_hours;
mod agree;
mod backlog;
mod calculator;
mod capacity;
mod cli;
mod dated;
mod dialling;
mod fit;
mod flows;
mod fuzz;
mod guards;
mod guided;
mod instructions;
mod invariants;
mod plans;
mod report;
mod shards;
mod staffing;
mod theory;
mod whatif;
mod workbook;
