/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM task_isolation

#if !defined(_TRACE_TASK_ISOLATION_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_TASK_ISOLATION_H

#include <linux/sched.h>
#include <linux/tracepoint.h>

/**
 * isol_break - a task with ISOL_F_NOTIFY active entered the kernel
 *
 * @class:	ISOL_NOTIFY_SYSCALL, ISOL_NOTIFY_EXCEPTION or ISOL_NOTIFY_INTERRUPT
 * @cpu:	the CPU it entered on (an exception is reported on the way
 *		out, possibly on another CPU)
 * @nr:		the system call number, the vector of a device interrupt,
 *		else -1
 * @addr:	the address of a page fault, else 0
 * @ip:		the user instruction pointer at the entry
 * @handler:	the entry point of an interrupt, else NULL
 *
 * The sender of an IPI is named by ipi:ipi_send_cpu, ipi:ipi_send_cpumask
 * and csd:csd_queue_cpu; page faults by exceptions:page_fault_user.
 */
TRACE_EVENT(isol_break,

	TP_PROTO(unsigned int class, int cpu, long nr, unsigned long addr,
		 unsigned long ip, void *handler),

	TP_ARGS(class, cpu, nr, addr, ip, handler),

	TP_STRUCT__entry(
		__array(char, comm, TASK_COMM_LEN)
		__field(pid_t, pid)
		__field(int, cpu)
		__field(unsigned int, class)
		__field(long, nr)
		__field(unsigned long, addr)
		__field(unsigned long, ip)
		__field(void *, handler)
	),

	TP_fast_assign(
		memcpy(__entry->comm, current->comm, TASK_COMM_LEN);
		__entry->pid = current->pid;
		__entry->cpu = cpu;
		__entry->class = class;
		__entry->nr = nr;
		__entry->addr = addr;
		__entry->ip = ip;
		__entry->handler = handler;
	),

	TP_printk("comm=%s pid=%d cpu=%d class=%s nr=%ld addr=0x%lx ip=0x%lx handler=%ps",
		  __entry->comm, __entry->pid, __entry->cpu,
		  __print_symbolic(__entry->class,
				   { 1, "syscall" },
				   { 2, "exception" },
				   { 4, "interrupt" }),
		  __entry->nr, __entry->addr, __entry->ip, __entry->handler)
);

#endif /* _TRACE_TASK_ISOLATION_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
