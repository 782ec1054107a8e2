// SPDX-License-Identifier: GPL-2.0
//! Command line of chisol. Parsing changes nothing: every option error is
//! found here, before any prctl.

use std::ffi::OsString;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, ValueEnum};

use crate::names::{
    mask_names, parse_event_list, parse_quiesce_list, EventList, QuiesceList, QUIESCE,
};
use crate::signal::parse_signal;
pub use crate::status::Target;
use crate::uapi::{ISOL_INHERIT_ACTIVE, ISOL_INHERIT_CONF};

const AFTER_HELP: &str = "\
Quiesce activities (for --quiesce and --oneshot, comma-separated, each once):
  vmstat_sync  fold this CPU's vmstat counters and cancel its pending
               vmstat_update work on every return to user space
  lru_drain    drain this CPU's per-CPU LRU batches (lru_add_drain) on every
               return to user space, so that lru_add_drain_all() queues no
               work on this CPU
  all          every activity the running kernel supports (chisol --info);
               an activity it does not support is an error

Notify events (for --notify, comma-separated, each once): the entries into
the kernel that are isolation breaks while notification is active
  syscall      any system call but the PR_ISOL_* prctls, exit, exit_group
               and rt_sigreturn
  exception    any exception taken in user mode (page faults, traps)
  interrupt    any interrupt taken in user mode (device interrupts, IPIs,
               timer ticks)
  all          every event the running kernel supports (chisol --info)
Each break counts in the task's breaks_* line (--status) and, with
--notify-signal SIG, sends SIG to the task. SIG is a name (USR1, SIGUSR1,
KILL, RTMIN+3, RTMAX-1) or a number from 1 to SIGRTMAX; 0, the default,
sends none. With --activate, the execve of the command is a syscall break
and its first page faults are exception breaks: a signal that terminates
kills the command as it starts. To be signalled, let the program activate
itself (configure with --notify, without --activate).

chisol configures quiescing and notification, sets the inheritance,
activates the configured features (in that order) and then executes the
command, which keeps the state across execve.

--pid prints /proc/PID/task_isolation, the state of that one task (the
state is per thread; a thread ID is a PID too). With --all-tasks it prints
the state of every thread of the process, each line prefixed by the
thread's ID. --status PID is --pid PID; --status without a PID prints the
state of chisol itself (/proc/thread-self/task_isolation), that is what it
inherited from its parent or across execve.

Exit status: 0 on success, 1 on errors, 126 if the command cannot be
executed, 127 if it is not found.";

#[derive(Parser, Debug)]
#[command(
    name = "chisol",
    version,
    about = "Run a program with task isolation configured and activated.",
    override_usage = "chisol [options] [--] <command> [<argument>...]\n       \
                      chisol --info\n       \
                      chisol --pid <pid> [--all-tasks]\n       \
                      chisol --status [<pid>]",
    after_help = AFTER_HELP
)]
struct Cli {
    /// Configure quiescing of the listed activities (comma-separated, or all)
    #[arg(short, long, value_name = "LIST", value_parser = parse_quiesce_list)]
    quiesce: Option<QuiesceList>,

    /// Quiesce the listed activities (or all) once, on activation only (needs --activate)
    #[arg(short, long, value_name = "LIST", value_parser = parse_quiesce_list,
          requires = "activate")]
    oneshot: Option<QuiesceList>,

    /// Configure notification of the listed events (comma-separated, or all)
    #[arg(short, long, value_name = "EVENTS", value_parser = parse_event_list)]
    notify: Option<EventList>,

    /// Signal to send for each break (name or number; 0: none, the default; needs --notify)
    #[arg(long, value_name = "SIG", value_parser = parse_signal, allow_negative_numbers = true)]
    notify_signal: Option<u32>,

    /// Activate the configured features (quiescing, notification) before executing the command
    #[arg(short, long)]
    activate: bool,

    /// Let children inherit the configuration (conf) or also the activation (active)
    #[arg(short = 'I', long, value_name = "WHAT", value_enum)]
    inherit: Option<Inherit>,

    /// Print the features, quiesce activities and notify events the kernel supports, and exit
    #[arg(short, long, exclusive = true)]
    info: bool,

    /// Print the task isolation state of task PID, and exit
    #[arg(short, long, value_name = "PID", value_parser = pid_parser(),
          conflicts_with_all = RUN_OPTIONS)]
    pid: Option<u32>,

    /// With --pid: print the state of every thread of the process
    #[arg(long)]
    all_tasks: bool,

    /// Same as --pid PID; without PID, print chisol's own state, and exit
    #[arg(short, long, value_name = "PID", num_args = 0..=1, value_parser = pid_parser(),
          conflicts_with_all = RUN_OPTIONS, conflicts_with = "pid")]
    status: Option<Option<u32>>,

    /// The command to execute, and its arguments
    #[arg(value_name = "COMMAND", trailing_var_arg = true, num_args = 1..,
          required_unless_present_any = ["info", "status", "pid", "all_tasks"],
          value_parser = clap::value_parser!(OsString))]
    command: Vec<OsString>,
}

/// The options of a command run, which --pid and --status do not take.
const RUN_OPTIONS: [&str; 7] = [
    "quiesce",
    "oneshot",
    "notify",
    "notify_signal",
    "activate",
    "inherit",
    "command",
];

/// A PID: 1 to `i32::MAX` (`pid_t`).
fn pid_parser() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..=i32::MAX as i64)
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
    /// `quiesce_mask` to configure (`all` is resolved when run).
    pub quiesce: Option<QuiesceList>,
    /// `quiesce_oneshot_mask` for the activation.
    pub oneshot: Option<QuiesceList>,
    /// `event_mask` to configure (`all` is resolved when run).
    pub notify: Option<EventList>,
    /// `signo` to configure with `notify`, 0 for none.
    pub notify_signal: u32,
    /// Activate the configured features.
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
    /// `--pid`, `--status`: whose state to print.
    Status(Target),
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
    let pid = cli.pid.or(cli.status.flatten());
    if cli.all_tasks {
        return match pid {
            Some(pid) => Ok(Action::Status(Target::AllTasks(pid))),
            None => Err(Cli::command().error(
                ErrorKind::MissingRequiredArgument,
                "--all-tasks needs --pid <PID>: the process whose threads to show",
            )),
        };
    }
    if let Some(pid) = pid {
        return Ok(Action::Status(Target::Task(pid)));
    }
    if cli.status.is_some() {
        return Ok(Action::Status(Target::Own));
    }
    if cli.notify_signal.is_some() && cli.notify.is_none() {
        return Err(Cli::command().error(
            ErrorKind::MissingRequiredArgument,
            "--notify-signal needs --notify <EVENTS>: the events whose breaks to signal",
        ));
    }
    // With `all`, the check waits for the kernel's answer (main.rs).
    if let (Some(QuiesceList::Mask(q)), Some(QuiesceList::Mask(o))) = (cli.quiesce, cli.oneshot) {
        check_oneshot(q, o)
            .map_err(|msg| Cli::command().error(ErrorKind::ArgumentConflict, msg))?;
    }
    Ok(Action::Run(RunPlan {
        quiesce: cli.quiesce,
        oneshot: cli.oneshot,
        notify: cli.notify,
        notify_signal: cli.notify_signal.unwrap_or(0),
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
