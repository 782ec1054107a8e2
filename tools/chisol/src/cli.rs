// SPDX-License-Identifier: GPL-2.0
//! Command line of chisol. Parsing changes nothing: every option error is
//! found here, before any prctl.

use std::ffi::OsString;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, ValueEnum};

use crate::names::{mask_names, parse_quiesce_list, QUIESCE};
use crate::uapi::{ISOL_INHERIT_ACTIVE, ISOL_INHERIT_CONF};

const AFTER_HELP: &str = "\
Quiesce activities (for --quiesce and --oneshot):
  vmstat_sync  fold this CPU's vmstat counters and cancel its pending
               vmstat_update work on every return from a system call

chisol configures quiescing, sets the inheritance, activates (in that
order) and then executes the command, which keeps the state across execve.

--status without a PID shows chisol's own state, that is what it inherited
from its parent or across execve; the one-shot mask cannot be read with
prctl, so that line is left out. With a PID, --status prints
/proc/PID/task_isolation, which includes it.

Exit status: 0 on success, 1 on errors, 126 if the command cannot be
executed, 127 if it is not found.";

#[derive(Parser, Debug)]
#[command(
    name = "chisol",
    version,
    about = "Run a program with task isolation configured and activated.",
    override_usage = "chisol [options] [--] <command> [<argument>...]\n       \
                      chisol --info\n       \
                      chisol --status [<pid>]",
    after_help = AFTER_HELP
)]
struct Cli {
    /// Configure quiescing of the listed activities (comma-separated)
    #[arg(short, long, value_name = "LIST", value_parser = parse_quiesce_list)]
    quiesce: Option<u64>,

    /// Quiesce the listed activities once, on activation only (needs --activate)
    #[arg(short, long, value_name = "LIST", value_parser = parse_quiesce_list,
          requires = "activate")]
    oneshot: Option<u64>,

    /// Activate quiescing before executing the command
    #[arg(short, long)]
    activate: bool,

    /// Let children inherit the configuration (conf) or also the activation (active)
    #[arg(short = 'I', long, value_name = "WHAT", value_enum)]
    inherit: Option<Inherit>,

    /// Print the features and quiesce activities the kernel supports, and exit
    #[arg(short, long, exclusive = true)]
    info: bool,

    /// Print the task isolation state of process PID, or of chisol itself, and exit
    #[arg(short, long, value_name = "PID", num_args = 0..=1, exclusive = true,
          value_parser = clap::value_parser!(u32).range(1..=i32::MAX as i64))]
    status: Option<Option<u32>>,

    /// The command to execute, and its arguments
    #[arg(value_name = "COMMAND", trailing_var_arg = true, num_args = 1..,
          required_unless_present_any = ["info", "status"],
          value_parser = clap::value_parser!(OsString))]
    command: Vec<OsString>,
}

/// Values of --inherit.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inherit {
    /// Children get a copy of the configuration
    Conf,
    /// Children also get the activation
    Active,
}

impl Inherit {
    /// The `inherit_mask` this value stands for.
    pub fn mask(self) -> u8 {
        match self {
            Inherit::Conf => ISOL_INHERIT_CONF,
            Inherit::Active => ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE,
        }
    }
}

/// What to do to a command before executing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPlan {
    /// `quiesce_mask` to configure.
    pub quiesce: Option<u64>,
    /// `quiesce_oneshot_mask` for the activation.
    pub oneshot: Option<u64>,
    pub activate: bool,
    /// `inherit_mask` to set.
    pub inherit: Option<u8>,
    /// The command and its arguments, never empty.
    pub command: Vec<OsString>,
}

/// What chisol was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Info,
    /// `--status`, of a PID or of chisol itself.
    Status(Option<u32>),
    Run(RunPlan),
}

/// The one-shot activities must be among the configured ones.
pub fn check_oneshot(quiesce: u64, oneshot: u64) -> Result<(), String> {
    let extra = oneshot & !quiesce;
    if extra == 0 {
        Ok(())
    } else {
        Err(format!(
            "--oneshot {} is not configured by --quiesce {}",
            mask_names(extra, QUIESCE),
            mask_names(quiesce, QUIESCE)
        ))
    }
}

/// Parses the command line (`args[0]` is the program name).
pub fn parse<I, T>(args: I) -> Result<Action, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::try_parse_from(args)?;
    if cli.info {
        return Ok(Action::Info);
    }
    if let Some(pid) = cli.status {
        return Ok(Action::Status(pid));
    }
    if let (Some(q), Some(o)) = (cli.quiesce, cli.oneshot) {
        check_oneshot(q, o)
            .map_err(|msg| Cli::command().error(ErrorKind::ArgumentConflict, msg))?;
    }
    Ok(Action::Run(RunPlan {
        quiesce: cli.quiesce,
        oneshot: cli.oneshot,
        activate: cli.activate,
        inherit: cli.inherit.map(Inherit::mask),
        command: cli.command,
    }))
}

/// The exit code for a parse error: 0 for --help and --version, 1 (as
/// util-linux tools do) for every usage error.
pub fn exit_code(err: &clap::Error) -> i32 {
    if err.use_stderr() {
        1
    } else {
        0
    }
}
