// Console text for the watcher's tests. Real where a real console said it (each cites its source);
// the rest is written from the format strings of the program that prints it (cited beside it).

import { readFileSync } from 'node:fs';

const fixture = (name: string): string[] =>
  readFileSync(new URL(`../fixtures/public/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('# '))
    .map((l) => l.replace(/\r$/, ''));

/** Real: xen-devel (sources on each file's first line). */
export const XEN_BUG = fixture('xen-4.16-bug-xstate-s3.log');
export const ASSERTION = fixture('xen-4.18-assertion-nested-svm.log');
export const WATCHDOG = fixture('xen-4.14-watchdog-sched-rendezvous.log');

/** Real: this lab's dom0 crash (recordings/xen-4.17-dom0-crash/session.raw, lines 513–516). */
export const DOM0_PANIC = [
  '[    8.289752] sysrq: Trigger a crash',
  '[    8.293854] Kernel panic - not syncing: sysrq triggered crash',
  '[    8.296793] CPU: 0 PID: 1 Comm: sh Not tainted 6.1.0-50-amd64 #1  Debian 6.1.176-1',
];

/** Xen's panic box: xen/drivers/char/console.c panic() (xen-console.md). */
export const XEN_PANIC = [
  '(XEN) ****************************************',
  '(XEN) Panic on CPU 0:',
  '(XEN) Timer went backwards',
  '(XEN) ****************************************',
  '(XEN) ',
  "(XEN) Manual reset required ('noreboot' specified)",
];

/** Xen's fatal trap: arch/x86/traps.c fatal_trap() through panic(). */
export const FATAL_TRAP = [
  '(XEN) ****************************************',
  '(XEN) Panic on CPU 1:',
  '(XEN) FATAL PAGE FAULT',
  '(XEN) [error_code=0000]',
  '(XEN) Faulting linear address: 0000000000000008',
  '(XEN) ****************************************',
];

/** Linux: kernel/watchdog.c, kernel/rcu/tree_stall.h, kernel/hung_task.c. */
export const SOFT_LOCKUP = [
  '[  164.052047] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:2:210]',
];
export const RCU_STALL = ['[  180.123456] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:'];
export const HUNG_TASK = ['[  245.678901] INFO: task jbd2/xvda1-8:180 blocked for more than 120 seconds.'];
