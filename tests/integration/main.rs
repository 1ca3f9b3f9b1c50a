//! Integration tests: the real app against real databases.
//!
//! Every test runs twice, on a fresh SQLite file and on a fresh PostgreSQL
//! database (`TEST_POSTGRES_URL`, default the local server's `test` database),
//! so the two backends can never drift apart.

mod support;

mod accounts;
mod audit;
mod board_pack;
mod concordat;
mod concurrency;
mod evidence;
mod figures;
mod freshness;
mod fuzz;
mod generate;
mod hardening;
mod http;
mod organisations;
mod permissions;
mod readings;
mod references;
mod render_stress;
mod scale;
mod security;
mod spc;
mod status;
mod submissions;
mod throttling;
