//! Every end-to-end test, in one binary: a real server on 127.0.0.1:0 and
//! real WebSocket clients. One binary links once, and its tests run side by
//! side (most wait on sockets and drill time, not the CPU); each module is
//! one file beside this one, named for what it proves.

#[path = "e2e_access.rs"]
mod access;
#[path = "e2e_churn.rs"]
mod churn;
#[path = "e2e_crash.rs"]
mod crash;
#[path = "e2e_desk.rs"]
mod desk;
#[path = "e2e_disk.rs"]
mod disk;
#[path = "e2e_drill.rs"]
mod drill;
#[path = "e2e_hardening.rs"]
mod hardening;
#[path = "e2e_load.rs"]
mod load;
#[path = "e2e_pins.rs"]
mod pins;
#[path = "e2e_readme.rs"]
mod readme;
#[path = "e2e_restart.rs"]
mod restart;
#[path = "e2e_review.rs"]
mod review;
#[path = "e2e_roles.rs"]
mod roles;
#[path = "e2e_workflow.rs"]
mod workflow;
