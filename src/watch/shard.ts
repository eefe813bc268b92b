// `--shard i/n`: which share of an inventory this process watches, so an existing runner (a
// Kubernetes indexed Job, a Nomad job, an Ansible loop, systemd instances) runs one process per
// share with no coordinator. Rendezvous hashing over SHA-256 (docs/attach.md "Sharding"):
//   shard(name) = the i in 0..n-1 with the largest first-6-bytes-big-endian of SHA-256("i/name"),
// lowest i on a tie. It depends on the name and n alone, so adding or removing a target moves only
// that target, and going from n to n+1 shards moves only the targets the new shard takes (~1/(n+1)).

import { createHash } from 'node:crypto';
import { XenkeysError } from '../core/errors.js';

export interface Shard {
  /** 0-based, like JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

/** Parses `i/n` (0 ≤ i < n); throws a usage error that says what is wrong. */
export function parseShard(text: string): Shard {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) {
    throw new XenkeysError('usage', `bad --shard ${JSON.stringify(text)}`, {
      hint: 'Write INDEX/COUNT with 0 ≤ INDEX < COUNT, e.g. --shard 0/4 … --shard 3/4 (the index is 0-based, like JOB_COMPLETION_INDEX).',
    });
  }
  return { index, count };
}

/** The shard (0-based) that owns `name` among `count`. */
export function shardOf(name: string, count: number): number {
  let best = 0;
  let bestWeight = -1;
  for (let i = 0; i < count; i++) {
    const weight = createHash('sha256').update(`${i}/${name}`, 'utf8').digest().readUIntBE(0, 6);
    if (weight > bestWeight) {
      best = i;
      bestWeight = weight;
    }
  }
  return best;
}

/** The items whose name falls in `shard`, in their original order. */
export function inShard<T>(items: readonly T[], shard: Shard, nameOf: (item: T) => string): T[] {
  return items.filter((item) => shardOf(nameOf(item), shard.count) === shard.index);
}
