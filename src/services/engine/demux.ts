/**
 * Docker multiplexes stdout and stderr of non-TTY containers into one stream of frames:
 * an 8-byte header [stream, 0, 0, 0, size (uint32 BE)] followed by `size` bytes.
 * Frames arrive split or merged arbitrarily across chunks, so this keeps a buffer.
 */

export type StdStream = 'stdout' | 'stderr';

const HEADER = 8;

export class StdDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private bad = false;

  constructor(private readonly onFrame: (stream: StdStream, payload: Buffer) => void) {}

  /** True once a header with an unknown stream type was seen; later bytes are passed through as stdout. */
  get misaligned(): boolean {
    return this.bad;
  }

  push(chunk: Buffer): void {
    if (this.bad) {
      if (chunk.length > 0) this.onFrame('stdout', chunk);
      return;
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= HEADER) {
      const kind = this.pending[0];
      if (kind !== 0 && kind !== 1 && kind !== 2) {
        // Not a multiplexed stream after all (e.g. a TTY we did not know about): never drop bytes.
        this.bad = true;
        const rest = this.pending;
        this.pending = Buffer.alloc(0);
        this.onFrame('stdout', rest);
        return;
      }
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER + size) return;
      const payload = this.pending.subarray(HEADER, HEADER + size);
      this.pending = this.pending.subarray(HEADER + size);
      if (size > 0) this.onFrame(kind === 2 ? 'stderr' : 'stdout', Buffer.from(payload));
    }
  }

  /** Bytes held back waiting for the rest of a frame (non-zero at end of stream means it was cut). */
  get buffered(): number {
    return this.pending.length;
  }
}
