import type { WriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StreamMasker } from './secret-mask.js';

/**
 * A command's log file: every secret masked, a full disk reported instead of thrown as an
 * unhandled 'error' event, and the command's pipes paused while the disk is behind, so canon's
 * memory stays bounded however much a command prints.
 */
export class CommandLog {
  private readonly stream: WriteStream;
  private readonly secrets: readonly string[];
  private readonly sources = new Map<Readable, StreamMasker>();
  private failed: Error | null = null;
  private waitingForDrain = false;
  private readonly onFailure: (error: Error) => void;

  constructor(fd: FileHandle, secrets: readonly string[], onFailure: (error: Error) => void) {
    this.stream = fd.createWriteStream();
    this.secrets = secrets;
    this.onFailure = onFailure;
    this.stream.on('error', (error) => {
      if (this.failed !== null) return;
      this.failed = error;
      // Nothing more reaches the disk; let the pipes flow again so the command is not wedged.
      this.resumeSources();
      this.onFailure(error);
    });
  }

  /** The first write error (ENOSPC, EIO, …), or null while the log is sound. */
  get error(): Error | null {
    return this.failed;
  }

  /** True while the file is behind and the command's pipes are paused. */
  get behind(): boolean {
    return this.waitingForDrain;
  }

  /** One of canon's own lines. */
  line(text: string): void {
    this.write(new StreamMasker(this.secrets), Buffer.from(text, 'utf8'), true);
  }

  /** Copies a command's output into the log; `onData` sees the raw chunks (capture, stderr tail). */
  follow(source: Readable, onData: (chunk: Buffer) => void = () => undefined): void {
    const masker = new StreamMasker(this.secrets);
    this.sources.set(source, masker);
    source.on('data', (chunk: Buffer) => {
      onData(chunk);
      this.write(masker, chunk, false);
    });
    source.once('end', () => this.flushSource(source));
  }

  /** Writes what the maskers still hold and `footer`, then closes the file. */
  close(footer: string): Promise<void> {
    for (const source of [...this.sources.keys()]) this.flushSource(source);
    return new Promise<void>((resolve) => {
      if (this.failed !== null || this.stream.destroyed) {
        this.stream.destroy();
        resolve();
        return;
      }
      this.stream.once('close', () => resolve());
      this.stream.end(Buffer.from(`${footer}\n`, 'utf8'));
    });
  }

  private flushSource(source: Readable): void {
    const masker = this.sources.get(source);
    if (masker === undefined) return;
    this.sources.delete(source);
    this.write(masker, Buffer.alloc(0), true);
  }

  private write(masker: StreamMasker, chunk: Buffer, last: boolean): void {
    const masked = last ? Buffer.concat([masker.push(chunk), masker.flush()]) : masker.push(chunk);
    if (this.failed !== null || masked.length === 0) return;
    if (!this.stream.write(masked) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      for (const source of this.sources.keys()) source.pause();
      this.stream.once('drain', () => this.resumeSources());
    }
  }

  private resumeSources(): void {
    this.waitingForDrain = false;
    for (const source of this.sources.keys()) source.resume();
  }
}
