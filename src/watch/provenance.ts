// Live console text or text dom0 replayed? Dom0 writes whatever it likes to the console, and
// `xl dmesg`, `dmesg` or `cat` of an old log print genuine old alarms. Pure. What can be told apart:
// - a command typed at dom0 (Enter sent through the watcher), or a debug key typed at Xen (`w`
//   replays Xen's ring), owns the output until the line is quiet for a while: Xen-prefixed lines
//   in it are a replay (`xl dmesg`, `w`);
// - dom0 kernel lines carry printk times that only grow during a boot: a line no newer than the
//   newest one seen is old (`dmesg`), one with a syslog leader (`… kernel: [ … ]`) always is;
// What cannot: text dom0 prints with nobody typing (a cron job `cat`ting an old log) looks live, and
// a real Xen alarm printed during a dom0 command's output is taken for replay (docs/watch.md).

const KERNEL_TIME = /^\[\s*(\d+)\.(\d{6})\]/;
const SYSLOG_LEADER = /^\S.*\bkernel: \[\s*\d+\.\d+\]/;

export class Provenance {
  private commandUntilQuiet = false;
  private lastOutputAt = -Infinity;
  /** The newest dom0 kernel time seen this boot, in µs. */
  private newestKernelTime = -1;

  constructor(private readonly commandQuietMs: number) {}

  get inCommandOutput(): boolean {
    return this.commandUntilQuiet;
  }

  output(now: number): void {
    if (now - this.lastOutputAt >= this.commandQuietMs) this.commandUntilQuiet = false;
    this.lastOutputAt = now;
  }

  commandTyped(now: number): void {
    this.commandUntilQuiet = true;
    this.lastOutputAt = now;
  }

  booted(): void {
    this.newestKernelTime = -1;
  }

  /** Why a Xen-prefixed alarm line is not live, or null. */
  xenLine(): string | null {
    return this.commandUntilQuiet ? 'Xen-prefixed text in the output of a command typed at dom0' : null;
  }

  /** Why a dom0 kernel line is not live, or null. Call once per foreign line (it learns times). */
  kernelLine(text: string): string | null {
    if (SYSLOG_LEADER.test(text)) return 'a kernel line with a syslog leader (a log being replayed)';
    const m = KERNEL_TIME.exec(text);
    if (m) {
      const us = Number(m[1]) * 1e6 + Number(m[2]);
      const newest = this.newestKernelTime;
      this.newestKernelTime = Math.max(newest, us);
      if (us < newest) return 'a kernel time older than one already seen (dmesg replay)';
      return null;
    }
    return this.commandUntilQuiet ? 'untimed text in the output of a command typed at dom0' : null;
  }

  /** For --on patterns: text in a dom0 command's output is the command's, not an alarm. */
  anyLine(): string | null {
    return this.commandUntilQuiet ? 'in the output of a command typed at dom0' : null;
  }
}
