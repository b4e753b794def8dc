//! staffsim: a discrete-event simulator for support desks.
//!
//! Data flows one way: command line (`cli`) → validated [`scenario::Scenario`]
//! → [`experiment`] (replications in parallel) → [`sim`] (one replication, a
//! pure function) → [`stats`] (collectors, merging, confidence intervals) →
//! [`report`] (CSV, tables, JSON). [`erlang`] holds the analytic formulas the
//! engine is checked against. `app` ties the commands together.

pub mod app;
pub mod cli;
pub mod erlang;
pub mod error;
pub mod experiment;
pub mod fit;
pub mod report;
pub mod scenario;
pub mod shard;
pub mod sim;
pub mod staffing;
pub mod stats;

pub use error::InputError;
