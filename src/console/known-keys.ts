// Every debug key any Xen version registers (4.4 to master, x86 and Arm, all build options): the union
// of the key tables in the shared reference §3.1 and §3.2. A key outside it can never do anything, so
// `--keys` refuses it before connecting instead of pressing it and waiting for output that never comes.
// Source: xen/common/keyhandler.c, xen/drivers/char/console.c and the register_keyhandler() callers.

const UNION = 'ACDGHILMNOPQRSTVacdeghilmnopqrstuvwxz0*%?+-';

export const XEN_KEYS_ANY_VERSION: ReadonlySet<string> = new Set(UNION);

export function isXenKeyInSomeVersion(key: string): boolean {
  return XEN_KEYS_ANY_VERSION.has(key);
}
