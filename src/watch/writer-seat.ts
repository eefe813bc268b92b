// The one read-write seat of a watched console (conserver's model: one writer, any number of
// spies). Writes are refused while an incident presses keys, and after the seat is given up.

import { XenkeysError } from '../core/errors.js';
import type { WriterSeat } from './hub.js';

export class WriterSeats {
  private current: { who: string; seat: WriterSeat } | null = null;

  constructor(
    private readonly incidentRunning: () => boolean,
    private readonly write: (bytes: Uint8Array) => Promise<void>,
  ) {}

  get holder(): string | null {
    return this.current?.who ?? null;
  }

  claim(who: string): WriterSeat | null {
    if (this.current) return null;
    let given = false;
    const seat: WriterSeat = {
      write: async (bytes) => {
        if (given)
          throw new XenkeysError('usage', 'this read-write seat was given up', { hint: 'Attach again.' });
        if (this.incidentRunning())
          throw new XenkeysError(
            'usage',
            'an incident is running: input is held until its keys are pressed and input is back',
            {
              hint: 'Wait for the "incident written" notice, then type again.',
            },
          );
        await this.write(bytes);
      },
      dispose: () => {
        if (given) return;
        given = true;
        if (this.current?.seat === seat) this.current = null;
      },
    };
    this.current = { who, seat };
    return seat;
  }

  dispose(): void {
    this.current?.seat.dispose();
  }
}
