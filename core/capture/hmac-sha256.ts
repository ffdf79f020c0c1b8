// HMAC-SHA-256 (RFC 2104 over FIPS 180-4) in plain JavaScript, byte for byte what
// `createHmac('sha256', key)` gives. Why not node:crypto: loading it costs a hook 2-4 ms at
// start-up (about a sixth of a bare Node start), and a hook hashes a handful of short strings.
// The key's inner and outer pad blocks are compressed once per key, so each message costs its
// own blocks plus one.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL_STATE = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const BLOCK_BYTES = 64;

/** Message schedule, reused by every call (the hooks and the daemon are single-threaded). */
const w = new Int32Array(64);

/** Compresses the 64-byte blocks of `data` from `offset` to `end` into `state`. */
function compress(state: Int32Array, data: Uint8Array, offset: number, end: number): void {
  for (let block = offset; block < end; block += BLOCK_BYTES) {
    for (let i = 0; i < 16; i++) {
      const at = block + i * 4;
      w[i] = (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = state[0]!;
    let b = state[1]!;
    let c = state[2]!;
    let d = state[3]!;
    let e = state[4]!;
    let f = state[5]!;
    let g = state[6]!;
    let h = state[7]!;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    state[0] = (state[0]! + a) | 0;
    state[1] = (state[1]! + b) | 0;
    state[2] = (state[2]! + c) | 0;
    state[3] = (state[3]! + d) | 0;
    state[4] = (state[4]! + e) | 0;
    state[5] = (state[5]! + f) | 0;
    state[6] = (state[6]! + g) | 0;
    state[7] = (state[7]! + h) | 0;
  }
}

/**
 * Finishes a hash whose state already holds `prefixBytes` bytes (whole blocks): compresses
 * `message`, the 0x80 marker and the bit length, and returns the 32-byte digest.
 */
function finish(start: Int32Array, prefixBytes: number, message: Uint8Array): Uint8Array {
  const state = start.slice();
  const whole = message.length - (message.length % BLOCK_BYTES);
  compress(state, message, 0, whole);
  const rest = message.length - whole;
  const tail = new Uint8Array(rest < 56 ? BLOCK_BYTES : 2 * BLOCK_BYTES);
  tail.set(message.subarray(whole));
  tail[rest] = 0x80;
  // Bit length in the last 8 bytes, big-endian; messages stay far below 2^53 bits.
  const bits = (prefixBytes + message.length) * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(tail.length - 4, bits >>> 0);
  compress(state, tail, 0, tail.length);
  const digest = new Uint8Array(32);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 8; i++) out.setInt32(i * 4, state[i]!);
  return digest;
}

function sha256(message: Uint8Array): Uint8Array {
  return finish(Int32Array.from(INITIAL_STATE), 0, message);
}

/** The state after one block of the key XORed with `pad` (0x36 inner, 0x5c outer). */
function padState(key: Uint8Array, pad: number): Int32Array {
  const block = new Uint8Array(BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) block[i] = (key[i] ?? 0) ^ pad;
  const state = Int32Array.from(INITIAL_STATE);
  compress(state, block, 0, BLOCK_BYTES);
  return state;
}

/** HMAC-SHA-256 keyed by `key`: message (UTF-8, as createHmac's update(string) encodes it) to 64 hex characters. */
export function hmacSha256Hex(key: Uint8Array): (message: string) => string {
  const blockKey = key.length > BLOCK_BYTES ? sha256(key) : key;
  const inner = padState(blockKey, 0x36);
  const outer = padState(blockKey, 0x5c);
  return (message) => {
    const digest = finish(outer, BLOCK_BYTES, finish(inner, BLOCK_BYTES, Buffer.from(message, 'utf8')));
    return Buffer.from(digest.buffer, digest.byteOffset, digest.length).toString('hex');
  };
}
