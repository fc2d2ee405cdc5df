// A small streaming zip writer for synthetic archives (tests, benchmark). It writes each entry
// with a data descriptor, so entries of any size stream through deflate without being held in
// memory. It can also write the hostile archives the importer must survive: unsafe names, lying
// sizes, huge compression ratios. Not a general-purpose zip library (no zip64: entries < 4 GiB).
import { createReadStream, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createDeflateRaw, crc32 } from 'node:zlib';

export interface ZipInput {
  /** The name exactly as stored (no checks: hostile names are the point of some tests). */
  name: string;
  /** A file to copy, bytes, or a generator of chunks. */
  from: { path: string } | { bytes: Buffer | string } | { chunks: () => AsyncIterable<Buffer | string> | Iterable<Buffer | string> };
  method?: 'store' | 'deflate';
  /** Write this uncompressed size in the central directory instead of the real one. */
  lieSize?: number;
}

interface Written {
  name: Buffer;
  offset: number;
  crc: number;
  csize: number;
  usize: number;
  method: number;
}

function source(f: ZipInput['from']): AsyncIterable<Buffer | string> | Iterable<Buffer | string> {
  if ('path' in f) return createReadStream(f.path, { highWaterMark: 1 << 20 });
  if ('bytes' in f) return [f.bytes];
  return f.chunks();
}

export async function writeZip(out: string, inputs: Iterable<ZipInput> | AsyncIterable<ZipInput>): Promise<void> {
  const fh = await fsp.open(out, 'w');
  let pos = 0;
  const write = async (b: Buffer) => {
    await fh.write(b, 0, b.length, pos);
    pos += b.length;
  };
  const written: Written[] = [];
  try {
    for await (const input of inputs) {
      const name = Buffer.from(input.name, 'utf8');
      const method = input.method === 'store' ? 0 : 8;
      const offset = pos;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0808, 6); // data descriptor follows; UTF-8 names
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(0, 10); // time/date
      local.writeUInt16LE(name.length, 26);
      await write(Buffer.concat([local, name]));
      let crc = 0;
      let usize = 0;
      let csize = 0;
      if (method === 0) {
        for await (const c of source(input.from)) {
          const b = typeof c === 'string' ? Buffer.from(c) : c;
          crc = crc32(b, crc);
          usize += b.length;
          csize += b.length;
          await write(b);
        }
      } else {
        const deflate = createDeflateRaw({ level: 6 });
        const counting = (async function* () {
          for await (const c of source(input.from)) {
            const b = typeof c === 'string' ? Buffer.from(c) : c;
            crc = crc32(b, crc);
            usize += b.length;
            yield b;
          }
        })();
        const piped = Readable.from(counting).pipe(deflate);
        for await (const c of piped) {
          csize += (c as Buffer).length;
          await write(c as Buffer);
        }
      }
      const dd = Buffer.alloc(16);
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(crc >>> 0, 4);
      dd.writeUInt32LE(csize, 8);
      dd.writeUInt32LE(input.lieSize ?? usize, 12);
      await write(dd);
      written.push({ name, offset, crc: crc >>> 0, csize, usize: input.lieSize ?? usize, method });
    }
    const cdStart = pos;
    for (const w of written) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(0x0808, 8);
      h.writeUInt16LE(w.method, 10);
      h.writeUInt32LE(w.crc, 16);
      h.writeUInt32LE(w.csize, 20);
      h.writeUInt32LE(w.usize, 24);
      h.writeUInt16LE(w.name.length, 28);
      h.writeUInt32LE(w.offset, 42);
      await write(Buffer.concat([h, w.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(written.length, 8);
    end.writeUInt16LE(written.length, 10);
    end.writeUInt32LE(pos - cdStart, 12);
    end.writeUInt32LE(cdStart, 16);
    await write(end);
  } finally {
    await (fh as FileHandle).close();
  }
}

/** Zip a folder's files (recursively) under their relative paths. */
export async function zipFolder(dir: string, out: string, opts: { prefix?: string } = {}): Promise<void> {
  const files: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await fsp.readdir(`${dir}/${rel}`, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) files.push(r);
    }
  };
  await walk('');
  files.sort();
  await writeZip(
    out,
    files.map((f) => ({ name: `${opts.prefix ?? ''}${f}`, from: { path: `${dir}/${f}` } })),
  );
}
