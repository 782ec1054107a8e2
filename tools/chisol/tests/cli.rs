// SPDX-License-Identifier: GPL-2.0
//! Option parsing: what each valid combination means, and that every bad
//! one is a usage error (exit code 1) found before anything is changed.

use std::ffi::OsString;

use chisol::cli::{check_oneshot, exit_code, parse, Action, RunPlan, Target};
use chisol::uapi::{ISOL_F_QUIESCE_VMSTATS, ISOL_INHERIT_ACTIVE, ISOL_INHERIT_CONF};
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
            quiesce: Some(ISOL_F_QUIESCE_VMSTATS),
            oneshot: None,
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
    assert_eq!(plan.quiesce, Some(ISOL_F_QUIESCE_VMSTATS));
    assert_eq!(plan.oneshot, Some(ISOL_F_QUIESCE_VMSTATS));
    assert!(plan.activate);
    assert_eq!(plan.inherit, Some(ISOL_INHERIT_CONF));
    assert_eq!(plan.command, os(&["prog"]));
}

#[test]
fn configure_only_leaves_activation_to_the_program() {
    let plan = run(&["-q", "vmstat_sync", "prog"]);
    assert_eq!(plan.quiesce, Some(ISOL_F_QUIESCE_VMSTATS));
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
fn repeated_names_are_one_bit() {
    assert_eq!(
        run(&["-q", "vmstat_sync,vmstat_sync", "p"]).quiesce,
        Some(1)
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
        assert!(msg.contains("known: vmstat_sync"), "{msg}");
        assert_eq!(exit_code(&e), 1);
    }
}

#[test]
fn empty_quiesce_list_is_rejected() {
    for list in ["", ",", "vmstat_sync,"] {
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
    // With a single quiesce activity a list cannot name one that -q lacks,
    // so the subset rule is checked on masks with a second (future) bit.
    assert_eq!(check_oneshot(0b01, 0b01), Ok(()));
    assert_eq!(check_oneshot(0b11, 0b01), Ok(()));
    assert_eq!(check_oneshot(0b11, 0), Ok(()));
    let msg = check_oneshot(0b01, 0b11).unwrap_err();
    assert!(
        msg.contains("--oneshot bit1 is not configured by --quiesce vmstat_sync"),
        "{msg}"
    );
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
        "chisol --pid <pid> [--all-tasks]",
        "vmstat_sync",
        "thread-self",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}
