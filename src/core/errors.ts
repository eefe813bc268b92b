// Errors carry a stable code; the CLI maps codes to documented exit codes (see README "Exit codes").

export type ErrorCode =
  | 'usage' // bad arguments or configuration
  | 'connect-failed' // the transport could not be opened
  | 'port-busy' // a serial port is held by another process
  | 'switch-not-confirmed' // Xen did not confirm an input switch
  | 'key-timeout' // a debug key produced no output in time
  | 'transport-lost' // the connection dropped and could not be re-established
  | 'dangerous-key' // a dangerous key was refused without --allow-dangerous
  | 'auth-failed' // IPMI / SSH authentication was refused
  | 'host-key' // SSH host key unknown or changed
  | 'sol-busy' // SOL payload already active on another session
  | 'bmc-unresponsive' // the BMC stopped answering
  | 'tool-missing' // an external program (ipmitool) is not installed
  | 'bad-input' // an input file could not be read or understood
  | 'wait-timeout' // --wait-for / --until saw no matching line in time
  | 'write-failed' // an output file could not be written (disk full, read-only, missing folder)
  | 'interrupted' // SIGINT / SIGTERM
  | 'internal';

export class XenkeysError extends Error {
  readonly code: ErrorCode;
  /** What the user can do about it, shown under the message. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'XenkeysError';
    this.code = code;
    this.hint = options?.hint;
  }
}

export function isXenkeysError(error: unknown, code?: ErrorCode): error is XenkeysError {
  return error instanceof XenkeysError && (code === undefined || error.code === code);
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
