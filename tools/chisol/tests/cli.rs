// SPDX-License-Identifier: GPL-2.0
//! Option parsing: what each valid combination means, and that every bad
//! one is a usage error (exit code 1) found before anything is changed.

use std::ffi::OsString;

use chisol::cli::{check_oneshot, exit_code, parse, Action, RunPlan, Target};
use chisol::names::NameList::{self, All, Mask};
use chisol::names::{EVENT_KIND, QUIESCE_KIND};
use chisol::uapi::{
    ISOL_F_QUIESCE_LRU, ISOL_F_QUIESCE_VMSTATS, ISOL_INHERIT_ACTIVE, ISOL_INHERIT_CONF,
    ISOL_NOTIFY_EXCEPTION, ISOL_NOTIFY_INTERRUPT, ISOL_NOTIFY_SYSCALL,
};
use clap::error::ErrorKind;

fn run(args: &[&str]) -> RunPlan {
    match parse(std::iter::once("chisol").chain(args.iter().copied())) {
        Ok(Action::Run(plan)) => plan,
        other => panic!("{args:?}: expected a run plan, got {other:?}"),
    }
}

fn error(args: &[&str]) -> clap::Error {
    match parse(std::iter::once("chisol").chain(args.iter().copied())) {
        Err(e) => e,
        Ok(a) => panic!("{args:?}: expected an error, got {a:?}"),
    }
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

#[test]
fn quiesce_activate_inherit_and_command() {
    let plan = run(&[
        "-q",
        "vmstat_sync",
        "-I",
        "active",
        "-a",
        "--",
        "./prog",
        "-x",
        "y",
    ]);
    assert_eq!(
        plan,
        RunPlan {
            quiesce: Some(Mask(ISOL_F_QUIESCE_VMSTATS)),
            oneshot: None,
            notify: None,
            notify_signal: 0,
            activate: true,
            inherit: Some(ISOL_INHERIT_CONF | ISOL_INHERIT_ACTIVE),
            command: os(&["./prog", "-x", "y"]),
        }
    );
}

#[test]
fn long_options() {
    let plan = run(&[
        "--quiesce=vmstat_sync",
        "--oneshot",
        "vmstat_sync",
        "--activate",
        "--inherit=conf",
        "prog",
    ]);
    assert_eq!(plan.quiesce, Some(Mask(ISOL_F_QUIESCE_VMSTATS)));
    assert_eq!(plan.oneshot, Some(Mask(ISOL_F_QUIESCE_VMSTATS)));
    assert!(plan.activate);
    assert_eq!(plan.inherit, Some(ISOL_INHERIT_CONF));
    assert_eq!(plan.command, os(&["prog"]));
}

#[test]
fn configure_only_leaves_activation_to_the_program() {
    let plan = run(&["-q", "vmstat_sync", "prog"]);
    assert_eq!(plan.quiesce, Some(Mask(ISOL_F_QUIESCE_VMSTATS)));
    assert!(!plan.activate);
    assert_eq!(plan.inherit, None);
}

#[test]
fn activate_alone_relies_on_an_inherited_configuration() {
    let plan = run(&["-a", "prog"]);
    assert_eq!(plan.quiesce, None);
    assert!(plan.activate);
}

#[test]
fn lru_drain_and_lists_of_both() {
    let q = |list| run(&["-q", list, "p"]).quiesce;
    assert_eq!(q("lru_drain"), Some(Mask(ISOL_F_QUIESCE_LRU)));
    let both = Some(Mask(ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU));
    assert_eq!(q("vmstat_sync,lru_drain"), both);
    assert_eq!(q("lru_drain,vmstat_sync"), both);
    let plan = run(&["-q", "vmstat_sync,lru_drain", "-o", "lru_drain", "-a", "p"]);
    assert_eq!(plan.oneshot, Some(Mask(ISOL_F_QUIESCE_LRU)));
}

#[test]
fn all_is_left_to_the_running_kernel() {
    let plan = run(&["-q", "all", "-a", "p"]);
    assert_eq!(plan.quiesce, Some(All));
    let plan = run(&["--quiesce=all", "--oneshot=all", "-a", "p"]);
    assert_eq!((plan.quiesce, plan.oneshot), (Some(All), Some(All)));
    // Checked against the kernel's answer when run, not when parsed.
    let plan = run(&["-q", "vmstat_sync", "-o", "all", "-a", "p"]);
    assert_eq!(plan.oneshot, Some(All));
    assert_eq!(run(&["-o", "all", "-a", "p"]).quiesce, None);
}

#[test]
fn all_resolves_to_what_the_kernel_supports() {
    assert_eq!(All.resolve(0b11, "--quiesce", &QUIESCE_KIND), Ok(0b11));
    assert_eq!(All.resolve(0b01, "--quiesce", &QUIESCE_KIND), Ok(0b01));
    assert_eq!(
        All.resolve(0, "--quiesce", &QUIESCE_KIND),
        Err("--quiesce all: the running kernel supports no quiesce activity".to_string())
    );
    assert_eq!(
        Mask(0b11).resolve(0b11, "--quiesce", &QUIESCE_KIND),
        Ok(0b11)
    );
    assert_eq!(
        Mask(0b01).resolve(0b01, "--quiesce", &QUIESCE_KIND),
        Ok(0b01)
    );
}

#[test]
fn a_name_the_kernel_lacks_names_it_and_the_supported_ones() {
    let r = |list: NameList, supported| {
        list.resolve(supported, "--quiesce", &QUIESCE_KIND)
            .unwrap_err()
    };
    assert_eq!(
        r(Mask(0b11), 0b01),
        "--quiesce: quiesce activity 'lru_drain' is not supported by the running kernel \
         (supported: vmstat_sync)"
    );
    assert_eq!(
        Mask(0b10)
            .resolve(0b01, "--oneshot", &QUIESCE_KIND)
            .unwrap_err(),
        "--oneshot: quiesce activity 'lru_drain' is not supported by the running kernel \
         (supported: vmstat_sync)"
    );
    assert_eq!(
        r(Mask(0b11), 0),
        "--quiesce: quiesce activities 'vmstat_sync,lru_drain' are not supported by the \
         running kernel (supported: none)"
    );
}

#[test]
fn a_name_listed_twice_is_rejected() {
    for list in ["vmstat_sync,vmstat_sync", "lru_drain,vmstat_sync,lru_drain"] {
        let e = error(&["-q", list, "p"]);
        assert_eq!(e.kind(), ErrorKind::ValueValidation, "{list}");
        assert!(e.to_string().contains("listed twice"), "{e}");
        assert_eq!(exit_code(&e), 1);
    }
    let msg = error(&["-q", "vmstat_sync,vmstat_sync", "p"]).to_string();
    assert!(
        msg.contains("quiesce activity 'vmstat_sync' listed twice"),
        "{msg}"
    );
}

#[test]
fn all_stands_alone() {
    for list in ["all,vmstat_sync", "lru_drain,all", "all,all", "all,"] {
        let e = error(&["-q", list, "p"]);
        assert_eq!(e.kind(), ErrorKind::ValueValidation, "{list}");
        assert!(
            e.to_string()
                .contains("'all' stands alone: it cannot be listed with other names"),
            "{list}: {e}"
        );
        assert_eq!(exit_code(&e), 1);
    }
    assert_eq!(
        error(&["-q", "ALL", "p"]).kind(),
        ErrorKind::ValueValidation
    );
}

#[test]
fn command_options_are_not_chisol_options() {
    // Everything from the command on belongs to it, dashes included.
    let plan = run(&["-a", "prog", "-q", "nonsense", "--help"]);
    assert_eq!(plan.quiesce, None);
    assert_eq!(plan.command, os(&["prog", "-q", "nonsense", "--help"]));
}

#[test]
fn info_and_status() {
    assert_eq!(parse(["chisol", "-i"]).unwrap(), Action::Info);
    assert_eq!(parse(["chisol", "--info"]).unwrap(), Action::Info);
    assert_eq!(
        parse(["chisol", "-s"]).unwrap(),
        Action::Status(Target::Own)
    );
    assert_eq!(
        parse(["chisol", "--status"]).unwrap(),
        Action::Status(Target::Own)
    );
    assert_eq!(
        parse(["chisol", "-s", "42"]).unwrap(),
        Action::Status(Target::Task(42))
    );
    assert_eq!(
        parse(["chisol", "--status=7"]).unwrap(),
        Action::Status(Target::Task(7))
    );
}

#[test]
fn pid_is_one_task() {
    for args in [
        &["-p", "42"][..],
        &["-p42"],
        &["--pid", "42"],
        &["--pid=42"],
        &["-s", "42"],
    ] {
        assert_eq!(
            parse(std::iter::once("chisol").chain(args.iter().copied())).unwrap(),
            Action::Status(Target::Task(42)),
            "{args:?}"
        );
    }
    assert_eq!(
        parse(["chisol", "-p", "2147483647"]).unwrap(),
        Action::Status(Target::Task(i32::MAX as u32))
    );
}

#[test]
fn all_tasks_with_pid() {
    for args in [
        &["-p", "42", "--all-tasks"][..],
        &["--all-tasks", "-p", "42"],
        &["--all-tasks", "--pid=42"],
        &["-s", "42", "--all-tasks"],
        &["--all-tasks", "--status", "42"],
    ] {
        assert_eq!(
            parse(std::iter::once("chisol").chain(args.iter().copied())).unwrap(),
            Action::Status(Target::AllTasks(42)),
            "{args:?}"
        );
    }
}

#[test]
fn all_tasks_needs_a_pid() {
    for args in [
        &["--all-tasks"][..],
        &["-s", "--all-tasks"],
        &["--all-tasks", "-s"],
        &["--all-tasks", "prog"],
        &["--all-tasks", "-q", "vmstat_sync", "-a", "prog"],
    ] {
        let e = error(args);
        assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument, "{args:?}");
        assert!(
            e.to_string()
                .contains("--all-tasks needs --pid <PID>: the process whose threads to show"),
            "{args:?}: {e}"
        );
        assert_eq!(exit_code(&e), 1);
    }
}

#[test]
fn pid_takes_no_command_nor_run_option() {
    for args in [
        &["-p", "42", "prog"][..],
        &["-p", "42", "--", "prog"],
        &["-p", "42", "--all-tasks", "prog"],
        &["-p", "42", "-q", "vmstat_sync"],
        &["-p", "42", "-a"],
        &["-p", "42", "-I", "conf"],
        &["-q", "vmstat_sync", "-a", "-p", "42"],
        &["-s", "42", "prog"],
        &["-p", "42", "-s"],
        &["-p", "42", "-s", "43"],
        &["-i", "-p", "42"],
        &["-i", "--all-tasks"],
    ] {
        let e = error(args);
        assert_eq!(e.kind(), ErrorKind::ArgumentConflict, "{args:?}");
        assert!(
            e.to_string().contains("cannot be used with"),
            "{args:?}: {e}"
        );
        assert_eq!(exit_code(&e), 1);
    }
    let msg = error(&["-p", "42", "prog"]).to_string();
    assert!(msg.contains("'--pid <PID>'"), "{msg}");
    assert!(msg.contains("COMMAND"), "{msg}");
}

#[test]
fn pid_needs_a_value() {
    for args in [&["-p"][..], &["--pid"], &["--all-tasks", "-p"]] {
        let e = error(args);
        assert_eq!(e.kind(), ErrorKind::InvalidValue, "{args:?}");
        assert!(e.to_string().contains("a value is required"), "{e}");
        assert_eq!(exit_code(&e), 1);
    }
}

#[test]
fn unknown_quiesce_name_lists_the_known_ones() {
    for args in [
        &["-q", "foo", "p"][..],
        &["-q", "vmstat_sync,foo", "p"],
        &["-a", "-o", "foo", "p"],
    ] {
        let e = error(args);
        assert_eq!(e.kind(), ErrorKind::ValueValidation, "{args:?}");
        let msg = e.to_string();
        assert!(msg.contains("unknown quiesce activity 'foo'"), "{msg}");
        assert!(msg.contains("known: vmstat_sync, lru_drain, all"), "{msg}");
        assert_eq!(exit_code(&e), 1);
    }
}

#[test]
fn empty_quiesce_list_is_rejected() {
    let e = error(&["-q", "", "p"]);
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    assert!(
        e.to_string().contains(
            "empty list: name at least one quiesce activity \
             (known: vmstat_sync, lru_drain, all)"
        ),
        "{e}"
    );
    for list in [",", "vmstat_sync,", ",lru_drain", "vmstat_sync,,lru_drain"] {
        let e = error(&["-q", list, "p"]);
        assert_eq!(e.kind(), ErrorKind::ValueValidation, "{list:?}");
        assert!(e.to_string().contains("empty name"), "{e}");
    }
}

#[test]
fn names_are_case_sensitive() {
    assert_eq!(
        error(&["-q", "VMSTAT_SYNC", "p"]).kind(),
        ErrorKind::ValueValidation
    );
}

#[test]
fn oneshot_needs_activate() {
    let e = error(&["-q", "vmstat_sync", "-o", "vmstat_sync", "p"]);
    assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument);
    assert!(e.to_string().contains("--activate"), "{e}");
    assert_eq!(exit_code(&e), 1);
}

#[test]
fn oneshot_must_be_a_subset_of_quiesce() {
    assert_eq!(check_oneshot(0b01, 0b01), Ok(()));
    assert_eq!(check_oneshot(0b11, 0b01), Ok(()));
    assert_eq!(check_oneshot(0b11, 0), Ok(()));
    let msg = check_oneshot(0b01, 0b11).unwrap_err();
    assert!(
        msg.contains("--oneshot lru_drain is not configured by --quiesce vmstat_sync"),
        "{msg}"
    );
    // A bit without a name (a newer kernel's) is numbered.
    let msg = check_oneshot(0b11, 0b111).unwrap_err();
    assert!(
        msg.contains("--oneshot bit2 is not configured by --quiesce vmstat_sync,lru_drain"),
        "{msg}"
    );
    // The same rule on the command line, before anything is changed.
    let e = error(&["-q", "vmstat_sync", "-o", "lru_drain", "-a", "p"]);
    assert_eq!(e.kind(), ErrorKind::ArgumentConflict);
    assert!(
        e.to_string()
            .contains("--oneshot lru_drain is not configured by --quiesce vmstat_sync"),
        "{e}"
    );
    assert_eq!(exit_code(&e), 1);
}

#[test]
fn missing_command() {
    for args in [
        &[][..],
        &["-q", "vmstat_sync"],
        &["-q", "vmstat_sync", "-a", "--"],
    ] {
        let e = error(args);
        assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument, "{args:?}");
        assert!(e.to_string().contains("<COMMAND>"), "{e}");
        assert_eq!(exit_code(&e), 1);
    }
}

#[test]
fn bad_inherit_value() {
    for v in ["none", "", "CONF", "conf,active"] {
        let e = error(&["-I", v, "p"]);
        assert_eq!(e.kind(), ErrorKind::InvalidValue, "{v:?}");
        assert!(
            e.to_string().contains("[possible values: conf, active]"),
            "{e}"
        );
    }
    assert_eq!(error(&["-I"]).kind(), ErrorKind::InvalidValue);
}

#[test]
fn info_and_status_stand_alone() {
    for args in [
        &["-i", "prog"][..],
        &["-i", "-q", "vmstat_sync"],
        &["-i", "-s"],
        &["-s", "-a"],
        &["-q", "vmstat_sync", "-s"],
    ] {
        let e = error(args);
        assert_eq!(e.kind(), ErrorKind::ArgumentConflict, "{args:?}");
    }
}

#[test]
fn bad_pid() {
    for opt in ["-s", "-p", "--pid", "--status"] {
        for pid in ["0", "-1", "abc", "1x", "", "4294967296", "2147483648"] {
            let e = error(&[opt, pid]);
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::ValueValidation
                        | ErrorKind::UnknownArgument
                        | ErrorKind::InvalidValue
                ),
                "{opt} {pid}: {:?}",
                e.kind()
            );
            assert_eq!(exit_code(&e), 1, "{opt} {pid}");
        }
        let msg = error(&[opt, "abc", "--all-tasks"]).to_string();
        assert!(msg.contains("invalid value 'abc'"), "{opt}: {msg}");
        let msg = error(&[opt, "0"]).to_string();
        assert!(msg.contains("0 is not in 1..=2147483647"), "{opt}: {msg}");
    }
}

#[test]
fn unknown_option() {
    let e = error(&["--bogus", "prog"]);
    assert_eq!(e.kind(), ErrorKind::UnknownArgument);
    assert_eq!(exit_code(&e), 1);
}

#[test]
fn help_and_version_exit_zero() {
    for args in [&["-h"][..], &["--help"], &["-V"], &["--version"]] {
        let e = error(args);
        assert_eq!(exit_code(&e), 0, "{args:?}");
    }
    let help = error(&["--help"]).to_string();
    for needle in [
        "--quiesce",
        "--oneshot",
        "--activate",
        "--inherit",
        "--info",
        "--status",
        "--pid",
        "--all-tasks",
        "--notify <EVENTS>",
        "--notify-signal <SIG>",
        "chisol --pid <pid> [--all-tasks]",
        "syscall ",
        "exception ",
        "interrupt ",
        "every event the running kernel supports",
        "RTMIN+3",
        "vmstat_sync",
        "lru_drain",
        "every activity the running kernel supports",
        "thread-self",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn notify_events() {
    let n = |list| run(&["--notify", list, "p"]).notify;
    assert_eq!(n("syscall"), Some(Mask(ISOL_NOTIFY_SYSCALL)));
    assert_eq!(n("exception"), Some(Mask(ISOL_NOTIFY_EXCEPTION)));
    assert_eq!(n("interrupt"), Some(Mask(ISOL_NOTIFY_INTERRUPT)));
    let all3 = Some(Mask(0x7));
    assert_eq!(n("syscall,exception,interrupt"), all3);
    assert_eq!(n("interrupt,syscall,exception"), all3);
    assert_eq!(n("all"), Some(All));
    let plan = run(&["-n", "syscall,interrupt", "-a", "p"]);
    assert_eq!(
        plan.notify,
        Some(Mask(ISOL_NOTIFY_SYSCALL | ISOL_NOTIFY_INTERRUPT))
    );
    assert_eq!(plan.notify_signal, 0);
    assert!(plan.activate);
    assert_eq!(run(&["--notify=exception", "p"]).notify, Some(Mask(2)));
    // Not given: nothing to configure.
    let plan = run(&["-q", "vmstat_sync", "-a", "p"]);
    assert_eq!((plan.notify, plan.notify_signal), (None, 0));
}

#[test]
fn notify_alone_or_with_quiesce() {
    let plan = run(&[
        "--notify",
        "syscall",
        "--notify-signal",
        "KILL",
        "-a",
        "--",
        "p",
    ]);
    assert_eq!(
        plan,
        RunPlan {
            quiesce: None,
            oneshot: None,
            notify: Some(Mask(ISOL_NOTIFY_SYSCALL)),
            notify_signal: libc::SIGKILL as u32,
            activate: true,
            inherit: None,
            command: os(&["p"]),
        }
    );
    let plan = run(&[
        "-q",
        "all",
        "-o",
        "lru_drain",
        "-n",
        "all",
        "--notify-signal=USR1",
        "-I",
        "conf",
        "-a",
        "p",
        "arg",
    ]);
    assert_eq!(plan.quiesce, Some(All));
    assert_eq!(plan.oneshot, Some(Mask(ISOL_F_QUIESCE_LRU)));
    assert_eq!(plan.notify, Some(All));
    assert_eq!(plan.notify_signal, libc::SIGUSR1 as u32);
    assert_eq!(plan.inherit, Some(ISOL_INHERIT_CONF));
    assert_eq!(plan.command, os(&["p", "arg"]));
    // Configure only: the program activates itself.
    let plan = run(&["-n", "exception", "--notify-signal", "SIGUSR2", "p"]);
    assert!(!plan.activate);
    assert_eq!(plan.notify_signal, libc::SIGUSR2 as u32);
}

#[test]
fn notify_list_errors() {
    for (list, msg) in [
        (
            "foo",
            "unknown notify event 'foo' (known: syscall, exception, interrupt, all)",
        ),
        (
            "syscall,irq",
            "unknown notify event 'irq' (known: syscall, exception, interrupt, all)",
        ),
        ("SYSCALL", "unknown notify event 'SYSCALL'"),
        ("vmstat_sync", "unknown notify event 'vmstat_sync'"),
        ("syscall,syscall", "notify event 'syscall' listed twice"),
        (
            "interrupt,exception,interrupt",
            "notify event 'interrupt' listed twice",
        ),
        (
            "",
            "empty list: name at least one notify event \
             (known: syscall, exception, interrupt, all)",
        ),
        ("syscall,", "empty name in the list"),
        (",syscall", "empty name in the list"),
        ("syscall,,exception", "empty name in the list"),
        (
            "all,syscall",
            "'all' stands alone: it cannot be listed with other names",
        ),
        ("exception,all", "'all' stands alone"),
    ] {
        let e = error(&["--notify", list, "-a", "p"]);
        assert_eq!(e.kind(), ErrorKind::ValueValidation, "{list:?}");
        let text = e.to_string();
        assert!(text.contains(msg), "{list:?}: {text}");
        assert!(text.contains("'--notify <EVENTS>'"), "{list:?}: {text}");
        assert_eq!(exit_code(&e), 1);
    }
    assert_eq!(error(&["-n"]).kind(), ErrorKind::InvalidValue);
}

#[test]
fn notify_all_resolves_to_what_the_kernel_supports() {
    assert_eq!(All.resolve(0x7, "--notify", &EVENT_KIND), Ok(0x7));
    assert_eq!(Mask(0x5).resolve(0x7, "--notify", &EVENT_KIND), Ok(0x5));
    assert_eq!(
        All.resolve(0, "--notify", &EVENT_KIND),
        Err("--notify all: the running kernel supports no notify event".to_string())
    );
    assert_eq!(
        Mask(0x4).resolve(0x3, "--notify", &EVENT_KIND),
        Err(
            "--notify: notify event 'interrupt' is not supported by the running kernel \
             (supported: syscall,exception)"
                .to_string()
        )
    );
    assert_eq!(
        Mask(0x7).resolve(0x1, "--notify", &EVENT_KIND),
        Err(
            "--notify: notify events 'exception,interrupt' are not supported by the \
             running kernel (supported: syscall)"
                .to_string()
        )
    );
}

#[test]
fn notify_signal_values() {
    let sig = |v: &str| run(&["-n", "syscall", "--notify-signal", v, "p"]).notify_signal;
    let (rtmin, rtmax) = (libc::SIGRTMIN() as u32, libc::SIGRTMAX() as u32);
    for (v, n) in [
        ("0", 0),
        ("1", 1),
        ("9", 9),
        ("10", 10),
        ("64", 64),
        ("KILL", libc::SIGKILL as u32),
        ("SIGKILL", libc::SIGKILL as u32),
        ("kill", libc::SIGKILL as u32),
        ("USR1", libc::SIGUSR1 as u32),
        ("SIGUSR1", libc::SIGUSR1 as u32),
        ("sigusr1", libc::SIGUSR1 as u32),
        ("USR2", libc::SIGUSR2 as u32),
        ("TERM", libc::SIGTERM as u32),
        ("HUP", 1),
        ("SYS", libc::SIGSYS as u32),
        ("IOT", libc::SIGABRT as u32),
        ("RTMIN", rtmin),
        ("RTMIN+0", rtmin),
        ("RTMIN+3", rtmin + 3),
        ("SIGRTMIN+3", rtmin + 3),
        ("rtmin+3", rtmin + 3),
        ("RTMAX", rtmax),
        ("RTMAX-1", rtmax - 1),
        ("SIGRTMAX-2", rtmax - 2),
    ] {
        assert_eq!(sig(v), n, "{v}");
    }
    assert_eq!(rtmax, 64, "x86-64: SIGRTMAX is _NSIG, 64");
    assert_eq!(sig(&format!("RTMIN+{}", rtmax - rtmin)), rtmax);
}

#[test]
fn notify_signal_errors() {
    let max = libc::SIGRTMAX();
    let span = max - libc::SIGRTMIN();
    let range = format!("is out of range: 1 to {max} (SIGRTMAX), or 0 for none");
    let unknown = format!(
        "(a signal name such as USR1, SIGUSR1, KILL, RTMIN+3 or RTMAX-1, or a number \
         from 1 to {max}; 0 for none)"
    );
    let rt = format!("that is RTMIN+0 to RTMIN+{span}");
    for (v, msg) in [
        ("65", format!("signal number 65 {range}")),
        ("-1", format!("signal number -1 {range}")),
        ("4294967296", format!("signal number 4294967296 {range}")),
        ("FOO", format!("unknown signal 'FOO' {unknown}")),
        ("", format!("unknown signal '' {unknown}")),
        ("SIG", "unknown signal 'SIG'".to_string()),
        ("USR3", "unknown signal 'USR3'".to_string()),
        ("SIGSIGUSR1", "unknown signal 'SIGSIGUSR1'".to_string()),
        (" USR1", "unknown signal ' USR1'".to_string()),
        ("9x", "unknown signal '9x'".to_string()),
        ("+9", "unknown signal '+9'".to_string()),
        ("RTMIN+", "unknown signal 'RTMIN+'".to_string()),
        ("RTMIN+x", "unknown signal 'RTMIN+x'".to_string()),
        ("RTMIN*2", "unknown signal 'RTMIN*2'".to_string()),
        (
            "RTMIN+31",
            "signal RTMIN+31 is out of range: the real-time signals are RTMIN".to_string(),
        ),
        ("RTMAX+1", "signal RTMAX+1 is out of range".to_string()),
        ("RTMIN-1", "signal RTMIN-1 is out of range".to_string()),
        (
            "SIGRTMAX-99",
            "signal SIGRTMAX-99 is out of range".to_string(),
        ),
        (
            "RTMIN+99999999999999999999",
            "signal RTMIN+99999999999999999999 is out of range".to_string(),
        ),
    ] {
        let e = error(&["-n", "syscall", "--notify-signal", v, "-a", "p"]);
        assert_eq!(e.kind(), ErrorKind::ValueValidation, "{v:?}");
        let text = e.to_string();
        assert!(text.contains(&msg), "{v:?}: {text}");
        assert!(text.contains("'--notify-signal <SIG>'"), "{v:?}: {text}");
        assert_eq!(exit_code(&e), 1);
    }
    let e = error(&["-n", "syscall", "--notify-signal", "RTMIN+31", "p"]).to_string();
    if span == 30 {
        assert!(e.contains(&rt), "{e}");
    }
    assert_eq!(
        error(&["-n", "syscall", "--notify-signal"]).kind(),
        ErrorKind::InvalidValue
    );
}

#[test]
fn notify_signal_needs_notify() {
    for args in [
        &["--notify-signal", "KILL", "p"][..],
        &["--notify-signal", "0", "-a", "p"],
        &["-q", "vmstat_sync", "--notify-signal", "USR1", "-a", "p"],
    ] {
        let e = error(args);
        assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument, "{args:?}");
        assert!(
            e.to_string().contains(
                "--notify-signal needs --notify <EVENTS>: the events whose breaks to signal"
            ),
            "{args:?}: {e}"
        );
        assert_eq!(exit_code(&e), 1);
    }
}

#[test]
fn notify_is_a_run_option() {
    for args in [
        &["-p", "42", "-n", "syscall"][..],
        &["-p", "42", "--notify-signal", "KILL"],
        &["-s", "-n", "syscall"],
        &["-i", "-n", "syscall"],
        &["-i", "--notify-signal", "9"],
    ] {
        let e = error(args);
        assert_eq!(e.kind(), ErrorKind::ArgumentConflict, "{args:?}");
        assert_eq!(exit_code(&e), 1);
    }
    // After the command, they are the command's.
    let plan = run(&["-a", "prog", "-n", "bogus", "--notify-signal", "x"]);
    assert_eq!(plan.notify, None);
    assert_eq!(
        plan.command,
        os(&["prog", "-n", "bogus", "--notify-signal", "x"])
    );
}
