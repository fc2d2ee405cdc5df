// Draws Skrode's icons (a lens over a dark rounded square) and writes them as PNG, plus a
// Windows .ico holding PNG images. No image library: shapes are signed-distance functions
// sampled 4x4 per pixel for anti-aliasing, and PNGs are encoded with node:zlib.
// Run: node resources/icons/generate-icons.mjs   (writes next to this file)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** RGBA pixels (Uint8Array, size*size*4) to a PNG file. */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes in a 0..1 square. Negative distance = inside.
const roundRect = (x, y, c, half, r) => {
  const qx = Math.abs(x - c) - half + r;
  const qy = Math.abs(y - c) - half + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const ring = (x, y, cx, cy, r, w) => Math.abs(Math.hypot(x - cx, y - cy) - r) - w / 2;
const disc = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const segment = (x, y, ax, ay, bx, by, w) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - t * dx, py - t * dy) - w / 2;
};

const NAVY = [31, 58, 95];
const LIGHT = [242, 245, 248];
const AMBER = [242, 165, 65];

/** Layers, bottom first: [distance fn, colour]. */
function appIcon() {
  return [
    [(x, y) => roundRect(x, y, 0.5, 0.44, 0.17), NAVY],
    [(x, y) => ring(x, y, 0.45, 0.45, 0.22, 0.08), LIGHT],
    [(x, y) => segment(x, y, 0.62, 0.62, 0.78, 0.78, 0.1), LIGHT],
    [(x, y) => disc(x, y, 0.45, 0.45, 0.08), AMBER],
  ];
}
function trayIcon(color, dot) {
  return [
    [(x, y) => ring(x, y, 0.42, 0.42, 0.3, 0.12), color],
    [(x, y) => segment(x, y, 0.66, 0.66, 0.9, 0.9, 0.15), color],
    [(x, y) => disc(x, y, 0.42, 0.42, 0.11), dot],
  ];
}

function render(size, layers) {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const u = (x + (sx + 0.5) / S) / size;
          const v = (y + (sy + 0.5) / S) / size;
          // Composite the layers over transparency ("over" operator, straight alpha).
          let cr = 0, cg = 0, cb = 0, ca = 0;
          for (const [d, col] of layers) {
            if (d(u, v) > 0) continue;
            cr = col[0]; cg = col[1]; cb = col[2]; ca = 1;
          }
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const i = (y * size + x) * 4;
      px[i + 3] = Math.round((a / (S * S)) * 255);
      if (a > 0) {
        px[i] = Math.round(r / a);
        px[i + 1] = Math.round(g / a);
        px[i + 2] = Math.round(b / a);
      }
    }
  }
  return encodePng(size, px);
}

/** A Windows .ico whose images are PNGs (supported since Windows Vista). */
function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const dir = Buffer.alloc(16 * images.length);
  let offset = 6 + dir.length;
  images.forEach(({ size, png }, i) => {
    const e = i * 16;
    dir[e] = size >= 256 ? 0 : size;
    dir[e + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, e + 4); // colour planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(png.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, dir, ...images.map((i) => i.png)]);
}

mkdirSync(join(here, 'linux'), { recursive: true });
const app = appIcon();
writeFileSync(join(here, 'icon.png'), render(1024, app));
const ico = [];
for (const s of [16, 24, 32, 48, 64, 128, 256, 512]) {
  const png = render(s, app);
  writeFileSync(join(here, 'linux', `${s}x${s}.png`), png);
  if (s <= 256) ico.push({ size: s, png });
}
writeFileSync(join(here, 'icon-256.png'), render(256, app));
writeFileSync(join(here, 'icon.ico'), encodeIco(ico));
writeFileSync(join(here, 'tray.png'), render(22, trayIcon(LIGHT, AMBER)));
writeFileSync(join(here, 'tray@2x.png'), render(44, trayIcon(LIGHT, AMBER)));
// macOS template images: black with alpha; the system tints them for light and dark menus.
writeFileSync(join(here, 'trayTemplate.png'), render(22, trayIcon([0, 0, 0], [0, 0, 0])));
writeFileSync(join(here, 'trayTemplate@2x.png'), render(44, trayIcon([0, 0, 0], [0, 0, 0])));
process.stdout.write('icons written to resources/icons\n');
