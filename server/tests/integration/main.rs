//! Every integration test of the server crate, in one binary: the CLI, the
//! protocol fixtures, the simulation's behaviour and determinism, the golden
//! state hashes and the tidiness checks. One binary links once; each module
//! is one file beside this one.

#[path = "../cli.rs"]
mod cli;
#[path = "../protocol_fixtures.rs"]
mod protocol_fixtures;
#[path = "../sim_causality.rs"]
mod sim_causality;
#[path = "../sim_desk.rs"]
mod sim_desk;
#[path = "../sim_determinism.rs"]
mod sim_determinism;
#[path = "../sim_fallbacks.rs"]
mod sim_fallbacks;
#[path = "../sim_settings.rs"]
mod sim_settings;
#[path = "../sim_world.rs"]
mod sim_world;
#[path = "../state_hash_golden.rs"]
mod state_hash_golden;
#[path = "../tidy.rs"]
mod tidy;
