import assert from 'node:assert/strict';
import { utcIsoString } from '../../core/capture/utc-time.ts';

describe('utcIsoString', () => {
  it('is exactly toISOString, from year 0 to 9999 and beyond', () => {
    const samples = [0, 1, 999, Date.UTC(2026, 11, 3, 14, 5, 9, 123), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(0, 0, 1) - 86_400_000 * 366 * 1900, -1, 8.64e15];
    for (let i = 0; i < 1000; i++) samples.push(Math.floor(Math.random() * 4e12));
    for (const ms of samples) assert.equal(utcIsoString(ms), new Date(ms).toISOString(), String(ms));
  });
});
