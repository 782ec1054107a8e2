// SPDX-License-Identifier: GPL-2.0
//! chisol: run a program with task isolation configured and activated.
//!
//! The library half holds everything that can be tested on any host: the
//! uapi mirror, the names of the bits and of the signals, option parsing,
//! and reading the kernel's status text (`status`, on any procfs-like
//! tree), and finding the command. `isol` wraps the prctl calls;
//! `main.rs` puts them in order.

pub mod cli;
pub mod command;
pub mod isol;
pub mod names;
pub mod signal;
pub mod status;
pub mod uapi;
