// CPU used by the benchmark's engines (the embedded PostgreSQL and DynamoDB Local, children of this process), read from
// /proc: on a 2-core machine the engines share the cores with node, so what an intake costs them moves its latency too.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU seconds per engine, by the name the kernel gives the process (`postgres`, `java`). */
export type EngineCpu = Record<string, number>;

const ticksPerSecond = 100; // USER_HZ on Linux, whatever the kernel's own tick rate.

interface Stat {
  pid: number;
  ppid: number;
  name: string;
  seconds: number;
}

function readStat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After the name: state(0) ppid(1) … utime(11) stime(12).
    return { pid: Number(pid), ppid: Number(fields[1]), name, seconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** Every descendant's CPU so far, summed by process name; undefined where there is no /proc (not Linux). */
export function engineCpu(root = process.pid): EngineCpu | undefined {
  if (os.platform() !== 'linux') return undefined;
  const stats = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(readStat)
    .filter((s): s is Stat => s !== undefined);
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const totals: EngineCpu = {};
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      // The shells and npm wrappers in between use next to nothing; they are counted under their own names.
      totals[child.name] = (totals[child.name] ?? 0) + child.seconds;
      visit(child.pid);
    }
  };
  visit(root);
  return totals;
}

/** CPU seconds each engine used over some windows, as ms per request; undefined without readings or requests. */
export function engineCpuPerRequest(used: EngineCpu, requests: number): Record<string, number> | undefined {
  if (requests === 0 || Object.keys(used).length === 0) return undefined;
  const per: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(used)) {
    if (seconds > 0) per[name] = Math.round(((seconds * 1000) / requests) * 100) / 100;
  }
  return per;
}
