//! Rendering of results (plans, resolutions) as tables and data formats. Returns text; the
//! command decides where it goes.

pub mod diff;
pub mod explain;
pub mod graph;
pub mod health;
pub mod init;
pub mod ls;
pub mod plan;
pub mod policy;
pub mod resolve;
pub mod watch;
