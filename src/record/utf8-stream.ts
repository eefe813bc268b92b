// Streaming UTF-8 decoding for console output, pure. Chunks split multi-byte characters at
// arbitrary points; this holds the partial bytes until the rest arrives. Invalid bytes become
// U+FFFD, so the decoded text (what the cast stores) is lossy; the raw log is the exact copy.

export class Utf8Stream {
  // ignoreBOM: a BOM in console output is content, not a marker to strip.
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  /** Text for the complete characters so far; a trailing partial character waits for more. */
  decode(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }

  /** Ends the stream: a pending partial character becomes U+FFFD. The stream can be reused. */
  flush(): string {
    return this.decoder.decode();
  }
}
