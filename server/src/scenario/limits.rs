//! Limits on what a scenario file may contain, with their units in their
//! names. Validation refuses a file that crosses any of them, so that a
//! scenario (written by a facilitator, possibly uploaded) cannot make the
//! server build an unbounded world or hold unbounded text.
//!
//! The file-size and store-count limits that the rest of the server also
//! relies on live in [`crate::limits`] and are re-exported here so that
//! this module lists every limit a scenario author meets.

pub use crate::limits::{DRILL_DURATION_MIN_MAX, SCENARIO_FILE_BYTES_MAX, SPEED_MAX, STORES_PER_DRILL_MAX};

/// Characters in an id (`a-z`, `0-9`, `-`, `_`).
pub const ID_CHARS_MAX: usize = 64;

/// Characters in a display name or title.
pub const NAME_CHARS_MAX: usize = 120;

/// Characters in a short text: a summary, a label, a log line, an inject.
pub const TEXT_CHARS_MAX: usize = 2_000;

/// Characters in a long text: a root cause, a talk script, a document
/// template.
pub const LONG_TEXT_CHARS_MAX: usize = 20_000;

/// Deepest nesting of arrays and tables in the file. The format itself never
/// needs more than 4; the limit keeps a hostile file from exhausting the
/// parser's stack.
pub const NESTING_DEPTH_MAX: usize = 16;

/// Regions in a world.
pub const REGIONS_MAX: usize = 64;

/// Store kinds in a world.
pub const KINDS_MAX: usize = 32;

/// Corporate clients in a world.
pub const CLIENTS_MAX: usize = 256;

/// Points in one arrival curve.
pub const CURVE_POINTS_MAX: usize = 48;

/// Services of the company and its vendors.
pub const SERVICES_MAX: usize = 64;

/// Dependencies of one service.
pub const DEPENDENCIES_PER_SERVICE_MAX: usize = 16;

/// Entries in one service's deploy history.
pub const DEPLOYS_PER_SERVICE_MAX: usize = 32;

/// Faults on the timeline.
pub const FAULTS_MAX: usize = 64;

/// Steps by which one fault worsens.
pub const STAGES_PER_FAULT_MAX: usize = 16;

/// Regions one fault spreads to, in steps.
pub const SPREADS_PER_FAULT_MAX: usize = 8;

/// Entries in one reference list (a fault's regions, its fixes...).
pub const REFERENCES_PER_LIST_MAX: usize = 64;

/// Runbook actions.
pub const ACTIONS_MAX: usize = 64;

/// Clues and red herrings (log lines, metrics, alerts).
pub const CLUES_MAX: usize = 256;

/// Personas who send injects.
pub const PERSONAS_MAX: usize = 256;

/// Injects in the master scenario events list.
pub const INJECTS_MAX: usize = 500;

/// Talk-script templates.
pub const TALK_SCRIPTS_MAX: usize = 50;

/// Most support agents bots staff.
pub const SUPPORT_DESK_MAX: u32 = 50;

/// Most fallbacks (what informed stores do instead of a failing step).
pub const FALLBACKS_MAX: usize = 32;

/// Most words that name one fallback.
pub const FALLBACK_WORDS_MAX: usize = 16;

/// External notice drafts.
pub const NOTICE_DRAFTS_MAX: usize = 50;

/// Role requirements.
pub const ROLES_MAX: usize = 16;

/// Participants one role may ask for.
pub const SEATS_PER_ROLE_MAX: u32 = 5_000;

/// Objectives.
pub const OBJECTIVES_MAX: usize = 32;

/// Largest inject weight.
pub const INJECT_WEIGHT_MAX: u32 = 100;

/// Largest objective weight.
pub const OBJECTIVE_WEIGHT_MAX: u32 = 100;

/// Longest delay before a runbook action takes effect, in minutes.
pub const ACTION_DELAY_MIN_MAX: u32 = 6 * 60;

/// Longest a service may take to answer, in milliseconds (normal or
/// faulted).
pub const LATENCY_MS_MAX: u32 = 120_000;

/// Largest average ticket, yen.
pub const TICKET_YEN_MAX: u32 = 1_000_000;

/// Most guests per hour one store may see at its peak (one a second).
pub const GUESTS_PER_HOUR_MAX: u32 = 3_600;

/// Largest store size, percent of the typical store.
pub const STORE_SIZE_PCT_MAX: u32 = 1_000;

/// How far back a deploy may lie before the drill starts, in minutes.
pub const DEPLOY_HISTORY_MIN_MAX: u32 = 30 * 24 * 60;
