//! Firedrill: a multiplayer incident-response drill server.
//!
//! A whole company joins one drill from the browser. A deterministic
//! simulation of stores, guests and services ([`sim`]) runs inside a drill
//! task ([`drill`]) that owns it; an outage timeline from the scenario
//! ([`scenario`]) breaks it; people in incident roles respond over a
//! WebSocket protocol ([`protocol`]) served with the web client by [`net`].
//!
//! Entry points: [`net::run`] serves; [`sim::simulate`] runs a drill
//! headless; [`scenario::load_file`] validates a scenario file.

pub mod drill;
pub mod limits;
pub mod metrics;
pub mod net;
pub mod protocol;
pub mod review;
pub mod scenario;
pub mod sim;
pub mod store;
