// SPDX-License-Identifier: GPL-2.0
//! The chisol binary: exit codes and messages. What the kernel answers
//! depends on the machine the tests run on; where it matters, each test
//! asks the kernel itself and checks chisol's answer against it.

use std::process::{Command, Output};

use chisol::uapi::{ISOL_F_NOTIFY, ISOL_F_QUIESCE, ISOL_F_QUIESCE_LRU, ISOL_F_QUIESCE_VMSTATS};
use chisol::{isol, names, status};

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

/// Whether it also has ISOL_F_NOTIFY.
fn kernel_has_notify() -> bool {
    kernel_has_isolation() && isol::supported_features().unwrap() & ISOL_F_NOTIFY != 0
}

const HINT: &str = "chisol: kernel without task isolation support (CONFIG_TASK_ISOLATION)?\n";

#[test]
fn usage_errors_exit_1_and_say_why() {
    let o = chisol(&["-q", "nosuch", "true"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o)
        .contains("unknown quiesce activity 'nosuch' (known: vmstat_sync, lru_drain, all)"));
    assert!(stdout(&o).is_empty());

    for (list, msg) in [
        (
            "lru_drain,lru_drain",
            "quiesce activity 'lru_drain' listed twice",
        ),
        ("", "empty list: name at least one quiesce activity"),
        ("vmstat_sync,", "empty name in the list"),
        (
            "all,lru_drain",
            "'all' stands alone: it cannot be listed with other names",
        ),
    ] {
        let o = chisol(&["-q", list, "-a", "touch", "/nonexistent-chisol-ran"]);
        assert_eq!(o.status.code(), Some(1), "{list}");
        assert!(stderr(&o).starts_with("error: "), "{list}: {}", stderr(&o));
        assert!(stderr(&o).contains(msg), "{list}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }

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
        // The features, then one line per feature's extension: every
        // supported bit by name, as the kernel's FEAT_GET reports them, or
        // "unsupported".
        let features = isol::supported_features().unwrap();
        assert_ne!(features & ISOL_F_QUIESCE, 0);
        let bits = isol::supported_quiesce().unwrap().supported_quiesce_bits;
        assert_ne!(bits & ISOL_F_QUIESCE_VMSTATS, 0);
        let notify = match isol::supported_notify_events().unwrap() {
            Some(events) => names::field("notify_events", events, names::EVENTS),
            None => "notify_events: unsupported".to_string(),
        };
        assert_eq!(
            stdout(&o),
            format!(
                "{}\n{}\n{notify}\n",
                names::field("features", features, names::FEATURES),
                names::field("quiesce_bits", bits, names::QUIESCE)
            )
        );
        if bits == ISOL_F_QUIESCE_VMSTATS | ISOL_F_QUIESCE_LRU {
            assert!(stdout(&o).contains("\nquiesce_bits: 0x3 vmstat_sync,lru_drain\n"));
        }
        if features & ISOL_F_NOTIFY != 0 {
            assert!(stdout(&o).starts_with("features: 0x3 quiesce,notify\n"));
        } else {
            assert!(stdout(&o).starts_with("features: 0x1 quiesce\n"));
            assert!(stdout(&o).ends_with("\nnotify_events: unsupported\n"));
        }
    } else {
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            stderr(&o),
            format!("chisol: PR_ISOL_FEAT_GET(0): Invalid argument\n{HINT}")
        );
    }
}

/// The quiesce bits the running kernel supports (None: no task isolation).
fn supported_bits() -> Option<u64> {
    kernel_has_isolation().then(|| isol::supported_quiesce_bits().unwrap())
}

#[test]
fn quiesce_names_the_failing_call() {
    // The lists are checked against PR_ISOL_FEAT_GET before anything is set.
    for list in ["vmstat_sync", "lru_drain", "vmstat_sync,lru_drain", "all"] {
        let o = chisol(&["-q", list, "-a", "true"]);
        match supported_bits() {
            Some(bits) if bits & ISOL_F_QUIESCE_LRU == 0 && list.contains("lru_drain") => {
                assert_eq!(o.status.code(), Some(1), "{list}");
            }
            Some(_) => assert_eq!(o.status.code(), Some(0), "{list}: {}", stderr(&o)),
            None => {
                assert_eq!(o.status.code(), Some(1), "{list}");
                assert_eq!(
                    stderr(&o),
                    format!("chisol: PR_ISOL_FEAT_GET(0): Invalid argument\n{HINT}"),
                    "{list}"
                );
            }
        }
    }
}

#[test]
fn quiesce_all_is_every_supported_bit() {
    let o = chisol(&[
        "-q",
        "all",
        "-o",
        "all",
        "-a",
        "--",
        env!("CARGO_BIN_EXE_chisol"),
        "-s",
    ]);
    match supported_bits() {
        Some(bits) => {
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let out = stdout(&o);
            for line in [
                names::field("quiesce_mask", bits, names::QUIESCE),
                names::field("oneshot_mask", bits, names::QUIESCE),
                "active_mask: 0x1 quiesce".to_string(),
            ] {
                assert!(out.lines().any(|l| l == line), "{line}: {out}");
            }
        }
        None => {
            assert_eq!(o.status.code(), Some(1));
            assert_eq!(
                stderr(&o),
                format!("chisol: PR_ISOL_FEAT_GET(0): Invalid argument\n{HINT}")
            );
        }
    }
}

#[test]
fn an_unsupported_bit_is_named_and_changes_nothing() {
    // On a kernel with only vmstat_sync, lru_drain is refused before any
    // change: the command does not run (it would create the file).
    let Some(bits) = supported_bits() else {
        return;
    };
    if bits & ISOL_F_QUIESCE_LRU != 0 {
        return;
    }
    let o = chisol(&[
        "-q",
        "vmstat_sync,lru_drain",
        "-a",
        "touch",
        "/nonexistent-chisol-ran",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "chisol: --quiesce: quiesce activity 'lru_drain' is not supported by the running \
             kernel (supported: {})\n",
            names::mask_names(bits, names::QUIESCE)
        )
    );
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
            "chisol: --activate: no feature is configured: use --quiesce or --notify\n"
        );
    } else {
        assert_eq!(
            stderr(&o),
            format!("chisol: PR_ISOL_CFG_GET(I_CFG_FEAT, 0): Invalid argument\n{HINT}")
        );
    }
}

/// The kernel's status text of the task `/proc/<rel>`, if it has one.
fn proc_status(rel: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{rel}/task_isolation")).ok()
}

#[test]
fn own_status() {
    for args in [&["-s"][..], &["--status"]] {
        let o = chisol(args);
        if proc_status("self").is_some() {
            // The test process never configures: nothing to inherit. The
            // one-shot line is there, as in the kernel's text.
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let out = stdout(&o);
            for line in [
                "configured: 0x0",
                "quiesce_mask: 0x0",
                "active_mask: 0x0",
                "oneshot_mask: 0x0",
                "inherit_mask: 0x0",
            ] {
                assert!(out.lines().any(|l| l == line), "{line}: {out}");
            }
            // A kernel with notification adds its lines, all zero here.
            if kernel_has_notify() {
                for line in [
                    "notify_mask: 0x0",
                    "notify_signo: 0",
                    "breaks_syscall: 0",
                    "breaks_exception: 0",
                    "breaks_interrupt: 0",
                    "last_break: none",
                ] {
                    assert!(out.lines().any(|l| l == line), "{line}: {out}");
                }
            }
        } else {
            assert_eq!(o.status.code(), Some(1));
            assert_eq!(
                stderr(&o),
                format!(
                    "chisol: cannot read /proc/thread-self/task_isolation: \
                     No such file or directory\n{HINT}"
                )
            );
            assert!(stdout(&o).is_empty());
        }
    }
}

#[test]
fn own_status_after_configuring() {
    // chisol configures, then runs chisol -s: the state it set shows.
    let o = chisol(&[
        "-q",
        "vmstat_sync",
        "-I",
        "active",
        "-a",
        "--",
        env!("CARGO_BIN_EXE_chisol"),
        "-s",
    ]);
    if kernel_has_isolation() {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        for line in [
            "configured: 0x1 quiesce",
            "quiesce_mask: 0x1 vmstat_sync",
            "active_mask: 0x1 quiesce",
            "oneshot_mask: 0x0",
            "inherit_mask: 0x3 conf,active",
        ] {
            assert!(out.lines().any(|l| l == line), "{line}: {out}");
        }
    } else {
        assert_eq!(o.status.code(), Some(1));
    }
}

#[test]
fn status_of_a_pid() {
    let pid = std::process::id().to_string();
    for opt in ["-p", "--pid", "-s", "--status"] {
        let o = chisol(&[opt, &pid]);
        match proc_status(&pid) {
            Some(text) => {
                assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
                assert_eq!(stdout(&o), text);
            }
            None => {
                assert_eq!(o.status.code(), Some(1));
                assert_eq!(
                    stderr(&o),
                    format!(
                        "chisol: cannot read /proc/{pid}/task_isolation: \
                         No such file or directory\n{HINT}"
                    )
                );
            }
        }
    }
}

#[test]
fn status_of_a_missing_pid() {
    // PID_MAX_LIMIT is 4194304: this PID cannot exist.
    for args in [
        &["-s", "2000000000"][..],
        &["-p", "2000000000"],
        &["-p", "2000000000", "--all-tasks"],
    ] {
        let o = chisol(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&o), "chisol: no process with PID 2000000000\n");
        assert!(stdout(&o).is_empty());
    }
}

fn gettid() -> u32 {
    // SAFETY: gettid() has no arguments and cannot fail.
    unsafe { libc::gettid() as u32 }
}

#[test]
fn all_tasks_shows_every_thread() {
    // A thread of this process that stays alive while chisol reads: its
    // TID must show, and so must the main thread's. Other test threads may
    // come and go meanwhile; every line must name a thread of this process.
    let pid = std::process::id();
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let helper = std::thread::spawn(move || {
        tx.send(gettid()).unwrap();
        let _ = done_rx.recv();
    });
    let tid = rx.recv().unwrap();
    let o = chisol(&["-p", &pid.to_string(), "--all-tasks"]);
    let leader_text = proc_status(&format!("{pid}/task/{pid}"));
    drop(done_tx);
    helper.join().unwrap();

    match leader_text {
        Some(text) => {
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let out = stdout(&o);
            for t in [pid, tid] {
                let prefix = format!("{t} ");
                let block: Vec<&str> = out
                    .lines()
                    .filter_map(|l| l.strip_prefix(&prefix))
                    .collect();
                // Nothing changes the state of these threads meanwhile.
                assert_eq!(block, text.lines().collect::<Vec<_>>(), "thread {t}: {out}");
            }
            // Every line starts with the TID of its thread.
            for line in out.lines() {
                let (t, rest) = line.split_once(' ').unwrap();
                assert!(t.parse::<u32>().is_ok() && !rest.is_empty(), "{line}");
            }
        }
        None => {
            assert_eq!(o.status.code(), Some(1));
            let err = stderr(&o);
            assert!(
                err.starts_with(&format!("chisol: cannot read /proc/{pid}/task/")),
                "{err}"
            );
            assert!(
                err.ends_with(&format!(
                    "/task_isolation: No such file or directory\n{HINT}"
                )),
                "{err}"
            );
        }
    }
}

#[test]
fn all_tasks_of_a_single_threaded_child() {
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = child.id().to_string();
    let o = chisol(&["--pid", &pid, "--all-tasks"]);
    let text = proc_status(&pid);
    child.kill().unwrap();
    child.wait().unwrap();
    match text {
        Some(text) => {
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            assert_eq!(
                stdout(&o),
                status::prefix_lines(pid.parse().unwrap(), &text)
            );
        }
        None => {
            assert_eq!(o.status.code(), Some(1));
            assert_eq!(
                stderr(&o),
                format!(
                    "chisol: cannot read /proc/{pid}/task/{pid}/task_isolation: \
                     No such file or directory\n{HINT}"
                )
            );
        }
    }
}

#[test]
fn pid_usage_errors_exit_1_and_run_nothing() {
    for (args, msg) in [
        (
            &["--all-tasks"][..],
            "--all-tasks needs --pid <PID>: the process whose threads to show",
        ),
        (
            &["--all-tasks", "touch", "/nonexistent-chisol-ran"],
            "--all-tasks needs --pid <PID>",
        ),
        (&["-s", "--all-tasks"], "--all-tasks needs --pid <PID>"),
        (
            &["-p", "1", "sh", "-c", "echo ran"],
            "the argument '--pid <PID>' cannot be used with '[COMMAND]...'",
        ),
        (&["-p", "1", "-a"], "cannot be used with"),
        (&["-p", "abc"], "invalid value 'abc' for '--pid <PID>'"),
        (&["-p", "0"], "0 is not in 1..=2147483647"),
        (&["-p"], "a value is required for '--pid <PID>'"),
    ] {
        let o = chisol(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert!(stderr(&o).contains(msg), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("error: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn notify_usage_errors_exit_1_and_run_nothing() {
    for (args, msg) in [
        (
            &["-n", "bogus", "-a", "echo", "ran"][..],
            "unknown notify event 'bogus' (known: syscall, exception, interrupt, all)",
        ),
        (
            &["--notify", "syscall,exception,syscall", "echo", "ran"],
            "notify event 'syscall' listed twice",
        ),
        (
            &["--notify", "", "-a", "echo", "ran"],
            "empty list: name at least one notify event",
        ),
        (
            &["--notify", "interrupt,", "echo", "ran"],
            "empty name in the list",
        ),
        (&["-n", "all,syscall", "echo", "ran"], "'all' stands alone"),
        (
            &[
                "-n",
                "syscall",
                "--notify-signal",
                "65",
                "-a",
                "echo",
                "ran",
            ],
            "signal number 65 is out of range: 1 to 64 (SIGRTMAX), or 0 for none",
        ),
        (
            &["-n", "syscall", "--notify-signal", "-3", "echo", "ran"],
            "signal number -3 is out of range",
        ),
        (
            &["-n", "syscall", "--notify-signal", "BOGUS", "echo", "ran"],
            "unknown signal 'BOGUS' (a signal name such as USR1",
        ),
        (
            &["-n", "syscall", "--notify-signal", "RTMAX+1", "echo", "ran"],
            "signal RTMAX+1 is out of range",
        ),
        (
            &["--notify-signal", "KILL", "-a", "echo", "ran"],
            "--notify-signal needs --notify <EVENTS>: the events whose breaks to signal",
        ),
        (
            &["-q", "vmstat_sync", "--notify-signal", "0", "echo", "ran"],
            "--notify-signal needs --notify <EVENTS>",
        ),
        (&["-p", "1", "-n", "syscall"], "cannot be used with"),
        (&["-i", "--notify-signal", "9"], "cannot be used with"),
        (
            &["-n", "syscall", "--notify-signal"],
            "a value is required for '--notify-signal <SIG>'",
        ),
    ] {
        let o = chisol(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).starts_with("error: "),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains(msg), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn notify_on_the_running_kernel() {
    // Checked against PR_ISOL_FEAT_GET before anything is set: on a kernel
    // without task isolation, or without notification, nothing runs.
    let o = chisol(&["-n", "syscall", "-a", "echo", "ran"]);
    if !kernel_has_isolation() {
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            stderr(&o),
            format!("chisol: PR_ISOL_FEAT_GET(0): Invalid argument\n{HINT}")
        );
        assert!(stdout(&o).is_empty());
        return;
    }
    let features = isol::supported_features().unwrap();
    if features & ISOL_F_NOTIFY == 0 {
        for list in ["syscall", "all"] {
            let o = chisol(&["-n", list, "-a", "echo", "ran"]);
            assert_eq!(o.status.code(), Some(1), "{list}");
            assert_eq!(
                stderr(&o),
                format!(
                    "chisol: --notify: the running kernel does not support notification \
                     (supported features: {})\n",
                    names::mask_names(features, names::FEATURES)
                )
            );
            assert!(stdout(&o).is_empty());
        }
        return;
    }
    // Notification alone, activated, no signal: the command runs; its
    // execve is its first syscall break.
    let me = env!("CARGO_BIN_EXE_chisol");
    let o = chisol(&["-n", "syscall", "-a", "--", me, "-s"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for line in [
        "configured: 0x2 notify",
        "active_mask: 0x2 notify",
        "notify_mask: 0x1 syscall",
        "notify_signo: 0",
        "breaks_exception: 0",
        "breaks_interrupt: 0",
        "last_break: syscall",
    ] {
        assert!(out.lines().any(|l| l == line), "{line}: {out}");
    }
    let breaks: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("breaks_syscall: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(breaks >= 1, "{out}");
    // Configured only, with a signal: nothing is sent until the program
    // activates.
    let o = chisol(&["-n", "all", "--notify-signal", "KILL", "--", me, "-s"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let events = isol::supported_notify().unwrap().supported_events;
    for line in [
        "configured: 0x2 notify".to_string(),
        "active_mask: 0x0".to_string(),
        names::field("notify_mask", events, names::EVENTS),
        "notify_signo: 9".to_string(),
        "breaks_syscall: 0".to_string(),
        "last_break: none".to_string(),
    ] {
        assert!(
            stdout(&o).lines().any(|l| l == line),
            "{line}: {}",
            stdout(&o)
        );
    }
    // Activated with SIGKILL: the command dies as it starts.
    use std::os::unix::process::ExitStatusExt;
    let o = chisol(&[
        "-n",
        "syscall",
        "--notify-signal",
        "KILL",
        "-a",
        "--",
        me,
        "-s",
    ]);
    assert_eq!(o.status.signal(), Some(libc::SIGKILL), "{:?}", o.status);
    assert!(stdout(&o).is_empty());
}

#[test]
fn a_command_that_is_not_found_changes_nothing() {
    // The command is looked up before anything is set: found missing,
    // chisol fails as execvp would, without configuring or activating.
    let o = chisol(&["-n", "syscall", "-a", "--", "no-such-command-chisol"]);
    assert!(stdout(&o).is_empty());
    if kernel_has_notify() {
        assert_eq!(o.status.code(), Some(127));
        assert_eq!(
            stderr(&o),
            "chisol: failed to execute no-such-command-chisol: No such file or directory\n"
        );
    } else {
        assert_eq!(o.status.code(), Some(1));
    }
    let o = Command::new(env!("CARGO_BIN_EXE_chisol"))
        .args(["--", "sh", "-c", "exit 5"])
        .env("PATH", "/nonexistent:/bin:/usr/bin")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_chisol"))
        .args(["--", "sh", "-c", "exit 5"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(127));
    assert_eq!(
        stderr(&o),
        "chisol: failed to execute sh: No such file or directory\n"
    );
}
