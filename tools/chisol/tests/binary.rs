// SPDX-License-Identifier: GPL-2.0
//! The chisol binary: exit codes and messages. What the kernel answers
//! depends on the machine the tests run on; where it matters, each test
//! asks the kernel itself and checks chisol's answer against it.

use std::process::{Command, Output};

use chisol::isol;

fn chisol(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chisol"))
        .args(args)
        .output()
        .expect("cannot run chisol")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether the kernel running the tests has the task isolation prctls.
fn kernel_has_isolation() -> bool {
    match isol::supported_features() {
        Ok(_) => true,
        Err(e) if e.errno == libc::EINVAL => false,
        Err(e) => panic!("unexpected {e}"),
    }
}

const HINT: &str = "chisol: kernel without task isolation support (CONFIG_TASK_ISOLATION)?\n";

#[test]
fn usage_errors_exit_1_and_say_why() {
    let o = chisol(&["-q", "nosuch", "true"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown quiesce activity 'nosuch' (known: vmstat_sync)"));
    assert!(stdout(&o).is_empty());

    let o = chisol(&["-q", "vmstat_sync"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("<COMMAND>"), "{}", stderr(&o));
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    let o = chisol(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Usage: chisol [options] [--] <command>"));
    let o = chisol(&["-V"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        format!("chisol {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn runs_the_command_with_its_arguments_and_exit_code() {
    let o = chisol(&["--", "sh", "-c", "echo \"$0 $1\"; exit 3", "a", "b"]);
    assert_eq!(stdout(&o), "a b\n");
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn command_not_found_exits_127() {
    let o = chisol(&["/nonexistent/program"]);
    assert_eq!(o.status.code(), Some(127));
    assert_eq!(
        stderr(&o),
        "chisol: failed to execute /nonexistent/program: No such file or directory\n"
    );
}

#[test]
fn command_not_executable_exits_126() {
    let o = chisol(&[env!("CARGO_MANIFEST_DIR")]);
    assert_eq!(o.status.code(), Some(126));
    assert!(stderr(&o).starts_with("chisol: failed to execute "));
    assert!(
        stderr(&o).ends_with(": Permission denied\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_command_starts_with_sigpipe_default() {
    // Rust ignores SIGPIPE; an ignored signal would survive execve.
    let o = chisol(&["sh", "-c", "grep '^SigIgn' /proc/self/status"]);
    let ign = stdout(&o);
    let mask = u64::from_str_radix(ign.trim().rsplit('\t').next().unwrap(), 16).unwrap();
    assert_eq!(mask & (1 << (libc::SIGPIPE - 1)), 0, "{ign}");
}

#[test]
fn info_reports_the_kernel() {
    let o = chisol(&["-i"]);
    if kernel_has_isolation() {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            stdout(&o).starts_with("features: 0x1 quiesce\n"),
            "{}",
            stdout(&o)
        );
        assert!(stdout(&o).contains("\nquiesce_bits: 0x1 vmstat_sync\n"));
    } else {
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            stderr(&o),
            format!("chisol: PR_ISOL_FEAT_GET(0): Invalid argument\n{HINT}")
        );
    }
}

#[test]
fn quiesce_names_the_failing_call() {
    let o = chisol(&["-q", "vmstat_sync", "-a", "true"]);
    if kernel_has_isolation() {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    } else {
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            stderr(&o),
            format!(
                "chisol: PR_ISOL_CFG_SET(I_CFG_FEAT, ISOL_F_QUIESCE): Invalid argument\n{HINT}"
            )
        );
    }
}

#[test]
fn activate_without_configuration_changes_nothing() {
    // Nothing configured here (the test process never configures), so
    // --activate alone has nothing to activate.
    let o = chisol(&["-a", "true"]);
    assert_eq!(o.status.code(), Some(1));
    if kernel_has_isolation() {
        assert_eq!(
            stderr(&o),
            "chisol: --activate: quiescing is not configured: use --quiesce\n"
        );
    } else {
        assert_eq!(
            stderr(&o),
            format!("chisol: PR_ISOL_CFG_GET(I_CFG_FEAT, 0): Invalid argument\n{HINT}")
        );
    }
}

#[test]
fn own_status() {
    let o = chisol(&["-s"]);
    if kernel_has_isolation() {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            "configured: 0x0\nquiesce_mask: 0x0\nactive_mask: 0x0\ninherit_mask: 0x0\n"
        );
    } else {
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            stderr(&o),
            format!("chisol: PR_ISOL_CFG_GET(I_CFG_FEAT, 0): Invalid argument\n{HINT}")
        );
    }
}

#[test]
fn status_of_a_pid() {
    let pid = std::process::id().to_string();
    let o = chisol(&["-s", &pid]);
    let path = format!("/proc/{pid}/task_isolation");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert_eq!(stdout(&o), text);
        }
        Err(_) => {
            assert_eq!(o.status.code(), Some(1));
            assert_eq!(
                stderr(&o),
                format!("chisol: cannot read {path}: No such file or directory\n{HINT}")
            );
        }
    }
}

#[test]
fn status_of_a_missing_pid() {
    // PID_MAX_LIMIT is 4194304: this PID cannot exist.
    let o = chisol(&["-s", "2000000000"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "chisol: no process with PID 2000000000\n");
}
