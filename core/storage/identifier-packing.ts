// A lossless byte form of an event's JSON text that deflate can compress well: the random parts of
// a sanitized event (UUIDs, 16-hex keyed hashes, ISO timestamps) are written as raw bytes after a
// one-byte marker instead of as text. Most of a small event's compressed size is those values
// spelled in hex, where deflate pays about 8 bits per character for 4 bits of information; packed,
// they cost half. Everything else is left as it was, so unpacking gives back the exact original text.
//
// Why markers 0x01–0x03 can never be confused with text: JSON forbids unescaped control characters
// (JSON.parse rejects them), and the codec only ever sees text that JSON.parse accepted. In UTF-8 a
// byte below 0x80 is always a whole character, so a marker never sits inside a multi-byte one.
//
// What is packed, scanning left to right over runs of lower-case hex digits:
//   - a run of exactly 8 that continues as a lower-case UUID (8-4-4-4-12): 0x01 + 16 bytes;
//   - a run of exactly 16 (hashes, and the odd 16-digit number, which round-trips the same): 0x02 + 8 bytes;
//   - `YYYY-MM-DDTHH:MM:SS.mmmZ` that Date prints back identically: 0x03 + 6 bytes of milliseconds
//     (the layout of a UUIDv7's first 6 bytes, so an event's timestamp repeats its id's and deflate
//     codes it as a short match).
// The loops work on bytes: this runs once per event on the ingest path.

const UUID_MARKER = 0x01;
const HEX16_MARKER = 0x02;
const TIMESTAMP_MARKER = 0x03;

const UUID_TEXT = 36;
const UUID_BYTES = 16;
const HEX16_TEXT = 16;
const HEX16_BYTES = 8;
const TIMESTAMP_TEXT = 24;
const TIMESTAMP_BYTES = 6;
const MAX_TIMESTAMP_MS = 2 ** 48;

const DASH = 0x2d;
const HEX_DIGITS = '0123456789abcdef';
/** Value of a lower-case hex digit by byte, -1 for any other byte. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE[HEX_DIGITS.charCodeAt(i)] = i;
const HEX_OF_BYTE = Array.from({ length: 256 }, (_, value) => HEX_DIGITS[value >> 4]! + HEX_DIGITS[value & 15]!);
/** `YYYY-MM-DDTHH:MM:SS.mmmZ`, zeros standing for digits. */
const TIMESTAMP_SHAPE = '0000-00-00T00:00:00.000Z';

function isUuidAt(bytes: Uint8Array, start: number, end: number): boolean {
  if (start + UUID_TEXT > end) return false;
  for (let i = 0; i < UUID_TEXT; i++) {
    const byte = bytes[start + i]!;
    if (i === 8 || i === 13 || i === 18 || i === 23 ? byte !== DASH : HEX_VALUE[byte]! < 0) return false;
  }
  return true;
}

function digits(bytes: Uint8Array, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) value = value * 10 + bytes[i]! - 0x30;
  return value;
}

/**
 * Milliseconds of the timestamp at `start` when it is one Date prints back exactly (fields in
 * range, 1970 or later), else undefined.
 */
function timestampAt(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (start + TIMESTAMP_TEXT > end) return undefined;
  for (let i = 0; i < TIMESTAMP_TEXT; i++) {
    const byte = bytes[start + i]!;
    const shape = TIMESTAMP_SHAPE.charCodeAt(i);
    if (shape === 0x30 ? byte < 0x30 || byte > 0x39 : byte !== shape) return undefined;
  }
  const year = digits(bytes, start, 4);
  const month = digits(bytes, start + 5, 2);
  const day = digits(bytes, start + 8, 2);
  const hour = digits(bytes, start + 11, 2);
  const minute = digits(bytes, start + 14, 2);
  const second = digits(bytes, start + 17, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, digits(bytes, start + 20, 3));
  // Day 31 of a 30-day month rolls over into the next one: such text must stay text.
  return new Date(ms).getUTCDate() === day && ms < MAX_TIMESTAMP_MS ? ms : undefined;
}

function writeHex(source: Uint8Array, from: number, characters: number, target: Uint8Array, at: number): number {
  for (let i = 0; i < characters; i += 2) target[at++] = (HEX_VALUE[source[from + i]!]! << 4) | HEX_VALUE[source[from + i + 1]!]!;
  return at;
}

let scratch = Buffer.allocUnsafe(64 * 1024);

function scratchOf(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  return scratch;
}

/**
 * The packed bytes of `json`. The result is a view of a shared scratch buffer, valid until the
 * next call: compress it right away (callers do, synchronously).
 */
export function packIdentifiers(json: string): Buffer {
  const room = Buffer.byteLength(json);
  // The text goes to the second half of the scratch buffer and is packed into the first half:
  // packing never makes anything longer.
  const buffer = scratchOf(room * 2);
  const text = buffer.subarray(room, room * 2);
  text.write(json, 0, room, 'utf8');
  let length = 0;
  let i = 0;
  while (i < room) {
    if (HEX_VALUE[text[i]!]! < 0) {
      buffer[length++] = text[i++]!;
      continue;
    }
    let run = i + 1;
    while (run < room && HEX_VALUE[text[run]!]! >= 0) run++;
    const runLength = run - i;
    let ms: number | undefined;
    if (runLength === 8 && isUuidAt(text, i, room)) {
      buffer[length++] = UUID_MARKER;
      length = writeHex(text, i, 8, buffer, length);
      length = writeHex(text, i + 9, 4, buffer, length);
      length = writeHex(text, i + 14, 4, buffer, length);
      length = writeHex(text, i + 19, 4, buffer, length);
      length = writeHex(text, i + 24, 12, buffer, length);
      i += UUID_TEXT;
    } else if (runLength === HEX16_TEXT) {
      buffer[length++] = HEX16_MARKER;
      length = writeHex(text, i, HEX16_TEXT, buffer, length);
      i += HEX16_TEXT;
    } else if (runLength === 4 && (ms = timestampAt(text, i, room)) !== undefined) {
      buffer[length++] = TIMESTAMP_MARKER;
      length = buffer.writeUIntBE(ms, length, TIMESTAMP_BYTES);
      i += TIMESTAMP_TEXT;
    } else {
      while (i < run) buffer[length++] = text[i++]!;
    }
  }
  return buffer.subarray(0, length);
}

/** The exact text packIdentifiers was given. Throws on bytes it could not have produced. */
export function unpackIdentifiers(packed: Uint8Array): string {
  let text = '';
  let copied = 0;
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let i = 0; i < bytes.length; i++) {
    const marker = bytes[i]!;
    if (marker > TIMESTAMP_MARKER || marker === 0) continue;
    const size = marker === UUID_MARKER ? UUID_BYTES : marker === HEX16_MARKER ? HEX16_BYTES : TIMESTAMP_BYTES;
    if (i + size >= bytes.length) throw new Error('packed event data is truncated');
    text += bytes.toString('utf8', copied, i);
    if (marker === TIMESTAMP_MARKER) {
      text += new Date(bytes.readUIntBE(i + 1, TIMESTAMP_BYTES)).toISOString();
    } else {
      let hex = '';
      for (let k = 1; k <= size; k++) {
        if (marker === UUID_MARKER && (k === 5 || k === 7 || k === 9 || k === 11)) hex += '-';
        hex += HEX_OF_BYTE[bytes[i + k]!];
      }
      text += hex;
    }
    i += size;
    copied = i + 1;
  }
  return text + bytes.toString('utf8', copied, bytes.length);
}
