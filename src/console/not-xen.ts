// What a console that never answered a switch looks like instead, from the text it did send:
// one plain phrase for the error, so nobody is told to check Xen's conswitch= on a web server.

const SIGNS: ReadonlyArray<[RegExp, string]> = [
  [/^HTTP\/\d/m, 'an HTTP server'],
  [/^SSH-\d\.\d-/m, 'an SSH server (use --ssh)'],
  [/\xff[\xfb-\xfe]/, 'a telnet server (option negotiation arrived as data)'],
  [/\blogin: *$|\bPassword: *$/im, 'a login prompt, not a Xen console'],
  [/(?:^|\n)[^\n]*[$#>] *$/, 'a shell prompt, not a Xen console'],
];

/** A phrase for the error ("an HTTP server"), or null when nothing tells. */
export function looksLike(text: string): string | null {
  if (text.length === 0) return null;
  if (text.includes('(XEN)')) return null; // Xen is there; the switch itself is the problem
  for (const [re, what] of SIGNS) if (re.test(text)) return what;
  return null;
}
