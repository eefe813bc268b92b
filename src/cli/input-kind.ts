// What an input that `report` cannot use looks like, in words a user recognises ("an empty file",
// "binary data", "xenkeys' captures.json"), from its first bytes. Pure: the caller reads the bytes.

/** A xenkeys JSON document (not console output), by the schema near its top. */
const XENKEYS_DOC = /^\s*\{[\s\S]{0,2000}?"schema"\s*:\s*"(xenkeys\.[a-z-]+)\//;

export interface XenkeysDocument {
  schema: string;
  what: string;
  hint: string;
}

/** A captures.json or report.json given where console output is wanted; null for anything else. */
export function xenkeysDocument(head: string): XenkeysDocument | null {
  const schema = XENKEYS_DOC.exec(head)?.[1];
  if (schema === undefined) return null;
  if (schema === 'xenkeys.captures')
    return {
      schema,
      what: "xenkeys' captures.json (the index of a capture, not console output)",
      hint: 'Give the capture folder instead (xenkeys report DIR), or its session.cast or session.raw.',
    };
  if (schema === 'xenkeys.report')
    return {
      schema,
      what: 'a xenkeys report already (report.json)',
      hint: 'Compare reports with `xenkeys diff A B`; to render it again, report the session it came from.',
    };
  return {
    schema,
    what: `a xenkeys ${schema} document`,
    hint: 'Give console output: a .cast, a raw log or text.',
  };
}

/** Words for what the input held when no Xen line was found in it. */
export function describeHead(head: Uint8Array, size: number): string {
  if (size === 0) return 'an empty file';
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return `binary data (${size} bytes, not text)`;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x1b) control++;
  }
  if (control > head.length / 100) return `binary data (${size} bytes, not text)`;
  const text = new TextDecoder().decode(head);
  if (text.includes('\uFFFD') && (text.match(/\uFFFD/g)?.length ?? 0) > text.length / 100)
    return `binary data (${size} bytes, not UTF-8 text)`;
  if (looksLikeJson(text, size === head.length)) return `a JSON document (${size} bytes)`;
  return `text (${size} bytes)`;
}

/** JSON by parsing when the whole input is at hand, else by an opening no console line has. */
function looksLikeJson(text: string, whole: boolean): boolean {
  if (whole) {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null;
    } catch {
      return false;
    }
  }
  return /^\s*(\{\s*"|\[\s*[[{"])/.test(text);
}
