/**
 * The emulator's clock: real time plus an offset that `POST /_emulator/clock` advances, so tests
 * can expire tokens, codes and rate-limit windows without waiting.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
