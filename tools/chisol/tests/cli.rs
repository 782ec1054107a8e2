// SPDX-License-Identifier: GPL-2.0
//! Option parsing: what each valid combination means, and that every bad
//! one is a usage error (exit code 1) found before anything is changed.

use std::ffi::OsString;

use chisol::cli::{check_oneshot, exit_code, parse, Action, RunPlan, Target};
use chisol::names::QuiesceList::{self, All, Mask};
use chisol::uapi::{
    ISOL_F_QUIESCE_LRU, ISOL_F_QUIESCE_VMSTATS, ISOL_INHERIT_ACTIVE, ISOL_INHERIT_CONF,
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
    assert_eq!(All.resolve(0b11, "--quiesce"), Ok(0b11));
    assert_eq!(All.resolve(0b01, "--quiesce"), Ok(0b01));
    assert_eq!(
        All.resolve(0, "--quiesce"),
        Err("--quiesce all: the running kernel supports no quiesce activity".to_string())
    );
    assert_eq!(Mask(0b11).resolve(0b11, "--quiesce"), Ok(0b11));
    assert_eq!(Mask(0b01).resolve(0b01, "--quiesce"), Ok(0b01));
}

#[test]
fn a_name_the_kernel_lacks_names_it_and_the_supported_ones() {
    let r = |list: QuiesceList, supported| list.resolve(supported, "--quiesce").unwrap_err();
    assert_eq!(
        r(Mask(0b11), 0b01),
        "--quiesce: quiesce activity 'lru_drain' is not supported by the running kernel \
         (supported: vmstat_sync)"
    );
    assert_eq!(
        Mask(0b10).resolve(0b01, "--oneshot").unwrap_err(),
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
    for list in [
        "",
        ",",
        "vmstat_sync,",
        ",lru_drain",
        "vmstat_sync,,lru_drain",
    ] {
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
        "chisol --pid <pid> [--all-tasks]",
        "vmstat_sync",
        "lru_drain",
        "every activity the running kernel supports",
        "thread-self",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}
