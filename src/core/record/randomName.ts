// Names for events and locks need to be unique, not secret: Math.random (seeded per process from the
// system's entropy) does that, and sparing node:crypto saves every hook process about 4 ms of loading.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `length` random base64url characters (6 bits each). */
export function randomName(length: number): string {
  let name = '';
  for (let i = 0; i < length; i++) name += ALPHABET[Math.floor(Math.random() * 64)];
  return name;
}
