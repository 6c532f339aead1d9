import { crc32, deflateSync } from 'node:zlib';

/**
 * The app icon (the same drawing as src/favicon.svg: a chat bubble with a padlock on the brand
 * colour) rasterised to PNG at build time, so no binary icons live in the repository.
 * `maskable` fills the whole square and keeps the drawing inside the 80 % safe zone that launchers
 * may crop to a circle; the plain icon has rounded, transparent corners.
 */
export function appIconPng(size: number, opts: { maskable?: boolean } = {}): Buffer {
  const maskable = opts.maskable ?? false;
  const rgba = Buffer.alloc(size * size * 4);
  const SS = 3; // 3×3 samples per pixel for smooth edges
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          // Into the favicon's 64-unit grid; the maskable icon shrinks the drawing around the centre.
          let x = ((px + (sx + 0.5) / SS) / size) * 64;
          let y = ((py + (sy + 0.5) / SS) / size) * 64;
          if (maskable) {
            x = 32 + (x - 32) / 0.8;
            y = 32 + (y - 32) / 0.8;
          }
          const c = sample(x, y, maskable);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 255;
        }
      }
      const n = SS * SS;
      const i = (py * size + px) * 4;
      // Colours are averaged over covered samples only, so edges fade in alpha, not towards black.
      const covered = a / 255;
      rgba[i] = covered ? Math.round(r / covered) : 0;
      rgba[i + 1] = covered ? Math.round(g / covered) : 0;
      rgba[i + 2] = covered ? Math.round(b / covered) : 0;
      rgba[i + 3] = Math.round(a / n);
    }
  }
  return encodePng(size, size, rgba);
}

type Rgb = readonly [number, number, number];
const BRAND: Rgb = [0x4f, 0x46, 0xe5];
const WHITE: Rgb = [0xff, 0xff, 0xff];

function sample(x: number, y: number, fullBleed: boolean): Rgb | null {
  if (!fullBleed && roundedRect(x, y, 0, 0, 64, 64, 16) > 0) return null;
  const bubble =
    roundedRect(x, y, 12, 20, 52, 44, 5) <= 0 ||
    (y >= 43 && y <= 51 && x >= 21 && x <= 30 - ((y - 44) * 9) / 7);
  if (!bubble) return BRAND;
  const lockBody = roundedRect(x, y, 26, 29, 38, 38, 2) <= 0;
  const shackle = distToShackle(x, y) <= 1.1;
  return lockBody || shackle ? BRAND : WHITE;
}

/** Signed distance to a rounded rectangle (negative inside). */
function roundedRect(x: number, y: number, x0: number, y0: number, x1: number, y1: number, rad: number) {
  const cx = (x0 + x1) / 2,
    cy = (y0 + y1) / 2;
  const qx = Math.abs(x - cx) - ((x1 - x0) / 2 - rad);
  const qy = Math.abs(y - cy) - ((y1 - y0) / 2 - rad);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - rad;
}

/** Distance to the padlock's shackle: two short uprights joined by a half circle (centre 32,26.5). */
function distToShackle(x: number, y: number): number {
  if (y <= 26.5) return Math.abs(Math.hypot(x - 32, y - 26.5) - 3.5);
  const dy = y > 29 ? y - 29 : 0;
  return Math.min(Math.hypot(x - 28.5, dy), Math.hypot(x - 35.5, dy));
}

function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
