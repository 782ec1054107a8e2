// SPDX-License-Identifier: GPL-2.0
/*
 * Task isolation notification (ISOL_F_NOTIFY): what the Rust side cannot
 * do itself. The policy (which entry is a break, counters, whether to
 * signal) is in task_isolation.rs; here are the static key of the entry
 * hooks, the decoding of a system call's number for its ABI, the signal
 * and the tracepoint.
 */

#include <linux/compat.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/task_isolation.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#define CREATE_TRACE_POINTS
#include <trace/events/task_isolation.h>

/*
 * On while any task has exception or interrupt notification active, and
 * for a second after the last one stops: switching it patches kernel text,
 * which a task that toggles notification must not do on every prctl.
 */
DEFINE_STATIC_KEY_DEFERRED_FALSE(task_isol_notify_key, HZ);

/* Process context only: may sleep (cpus_read_lock(), text patching) */
void task_isol_notify_get(void)
{
	static_branch_deferred_inc(&task_isol_notify_key);
}

/* Any context: the decrement that would turn the key off is deferred */
void task_isol_notify_put(void)
{
	static_branch_slow_dec_deferred(&task_isol_notify_key);
}

void task_isol_set_syscall_work(struct task_struct *tsk, bool on)
{
	if (on)
		set_task_syscall_work(tsk, TASK_ISOL);
	else
		clear_task_syscall_work(tsk, TASK_ISOL);
}

/* The system calls the Rust side may exempt, whatever their ABI */
enum {
	TASK_ISOL_SYS_OTHER,
	TASK_ISOL_SYS_PRCTL,
	TASK_ISOL_SYS_EXIT,
	TASK_ISOL_SYS_SIGRETURN,
};

static unsigned int task_isol_syscall_kind(long nr)
{
#ifdef CONFIG_IA32_EMULATION
	if (in_ia32_syscall()) {
		switch (nr) {
		case __NR_ia32_prctl:
			return TASK_ISOL_SYS_PRCTL;
		case __NR_ia32_exit:
		case __NR_ia32_exit_group:
			return TASK_ISOL_SYS_EXIT;
		case __NR_ia32_sigreturn:
		case __NR_ia32_rt_sigreturn:
			return TASK_ISOL_SYS_SIGRETURN;
		}
		return TASK_ISOL_SYS_OTHER;
	}
#endif
#ifdef CONFIG_X86_X32_ABI
	if (nr & __X32_SYSCALL_BIT) {
		if ((nr & ~__X32_SYSCALL_BIT) == __NR_x32_rt_sigreturn)
			return TASK_ISOL_SYS_SIGRETURN;
		nr &= ~__X32_SYSCALL_BIT;
		if (nr == __NR_rt_sigreturn)
			return TASK_ISOL_SYS_OTHER;
	}
#endif
	switch (nr) {
	case __NR_prctl:
		return TASK_ISOL_SYS_PRCTL;
	case __NR_exit:
	case __NR_exit_group:
		return TASK_ISOL_SYS_EXIT;
	case __NR_rt_sigreturn:
		return TASK_ISOL_SYS_SIGRETURN;
	}
	return TASK_ISOL_SYS_OTHER;
}

/*
 * From syscall_trace_enter() while SYSCALL_WORK_TASK_ISOL is set:
 * interrupts enabled, inside the instrumentation section.
 */
void task_isol_syscall_entry(struct pt_regs *regs, long nr)
{
	unsigned int kind = task_isol_syscall_kind(nr);
	unsigned long args[6] = { };

	if (kind == TASK_ISOL_SYS_PRCTL)
		syscall_get_arguments(current, regs, args);
	task_isol_syscall_break(nr, kind, args[0], instruction_pointer(regs),
				raw_smp_processor_id());
}

/*
 * From the return to user space (task_isol_exit_to_user()): queue @signo
 * for current. TIF_SIGPENDING makes exit_to_user_mode_loop() go round once
 * more and deliver it before user space runs. Thread-directed and subject
 * to the signal mask, unlike force_sig_info(): a handler may block it.
 */
void task_isol_send_signal(int signo)
{
	struct kernel_siginfo info;

	clear_siginfo(&info);
	info.si_signo = signo;
	info.si_errno = 0;
	info.si_code = SI_KERNEL;
	send_sig_info(signo, &info, current);
}

void task_isol_trace_break(unsigned int class, int cpu, long nr,
			   unsigned long addr, unsigned long ip, void *handler)
{
	trace_isol_break(class, cpu, nr, addr, ip, handler);
}
