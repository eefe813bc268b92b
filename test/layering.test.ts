// The shape of src/, checked on every run: each top-level folder is a layer, imports point down the
// order below (or within a layer), never up, and no module imports itself round a circle. This list
// is the one definition of the layer order (docs/architecture.md explains it).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Bottom first: a folder may import its own layer and those before it. */
const LAYERS = [
  'core', // vocabulary with no dependencies: errors, clock, emitter, session events
  'parse', // pure parsers of Xen's text
  'record', // file formats: asciicast, raw log, the marker grammar
  'pipeline', // bytes → lines → captures: the one fold over session events
  'transports', // the Transport interface and the ways to reach a console
  'console', // the console model: input target, guard, key runner
  'sim', // the simulated Xen (a transport built from recordings)
  'inband', // keys pressed through dom0's shell (xl debug-keys, xl dmesg)
  'report', // report model, builder, findings, renderers
  'capture', // plumbing shared by capture, report, the TUI and watch: key plan, options, report writers, files
  'tui', // the terminal UI
  'watch', // many consoles at once
  'cli', // the composition root
] as const;

const SRC = path.resolve(import.meta.dirname, '../src');
const IMPORT = /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm;
const BARE_IMPORT = /^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** Each module of src/ (relative path) → the modules of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(IMPORT), ...text.matchAll(BARE_IMPORT)].map((m) => m[1] as string);
    const targets = specs.map((s) =>
      path.relative(SRC, path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts'))),
    );
    graph.set(path.relative(SRC, file), targets);
  }
  return graph;
}

const layerOf = (module: string): string => module.split(path.sep)[0] ?? '';

/** The import circles: strongly connected components of more than one module, or a self-import. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Imports from a layer to one above it, as "from → to". */
function upwardImports(graph: Map<string, string[]>): string[] {
  const rank = (module: string): number => (LAYERS as readonly string[]).indexOf(layerOf(module));
  return [...graph].flatMap(([from, targets]) =>
    targets.filter((to) => rank(to) > rank(from)).map((to) => `${from} → ${to}`),
  );
}

describe('the layering of src/', () => {
  const graph = importGraph();

  it('reads the imports (a sanity check of the reader itself)', () => {
    expect(graph.get(path.join('cli', 'main.ts'))?.length).toBeGreaterThan(0);
    expect(graph.get(path.join('pipeline', 'session-fold.ts'))).toContain(
      path.join('pipeline', 'line-splitter.ts'),
    );
  });

  it('puts every top-level folder in a layer', () => {
    const folders = new Set([...graph.keys()].map(layerOf).filter((l) => !l.endsWith('.ts')));
    expect([...folders].filter((f) => !(LAYERS as readonly string[]).includes(f))).toEqual([]);
  });

  it('imports only down the layers, never up', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle and an upward import when there is one (the checks can fail)', () => {
    const [a, b, x] = [path.join('report', 'a.ts'), path.join('report', 'b.ts'), path.join('cli', 'x.ts')];
    const bad = new Map([
      [a, [b, x]],
      [b, [a]],
      [x, []],
    ]);
    expect(cycles(bad)).toEqual([[a, b]]);
    expect(upwardImports(bad)).toEqual([`${a} → ${x}`]);
  });
});
