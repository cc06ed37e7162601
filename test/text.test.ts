// The text module: what every source hands the engine. Whole buffers and any chunking must agree.
import { describe, expect, it } from "vitest";
import { TextDecoder, textForScan, textStream, sniff, displayName, isValidUtf8 } from "../src/text/index.js";
import { positive } from "./helpers/secrets.js";

function chunked(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  for (let k = 0; i < data.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

function decodeChunks(parts: Buffer[]): Buffer {
  const d = new TextDecoder();
  return Buffer.concat([...parts.flatMap((p) => d.push(p)), ...d.end()]);
}

// A small deterministic generator, so a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

const key = positive("stripe-secret-key-live");

describe("sniff", () => {
  it("reads byte-order marks", () => {
    expect(sniff(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: "utf8", bom: 3 });
    expect(sniff(Buffer.from([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: "utf16le", bom: 2 });
    expect(sniff(Buffer.from([0xfe, 0xff, 0, 0x61]))).toEqual({ encoding: "utf16be", bom: 2 });
  });

  it("recognises UTF-16 without a byte-order mark in both orders", () => {
    const le = Buffer.from(`API_KEY=${key}\r\n`, "utf16le");
    expect(sniff(le).encoding).toBe("utf16le");
    expect(sniff(Buffer.from(le).swap16()).encoding).toBe("utf16be");
  });

  it("calls NUL-bearing data binary unless it reads as UTF-16 text", () => {
    expect(sniff(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0])).encoding).toBe("binary");
    // Small 16-bit integers: zero high bytes, but the low bytes are not text.
    const table = Buffer.alloc(512);
    for (let i = 0; i < 256; i++) table.writeUInt16LE(i % 31 + 1, i * 2);
    expect(sniff(table).encoding).toBe("binary");
    // Invalid UTF-8 (Latin-1) is text, not binary.
    expect(sniff(Buffer.from([0x70, 0xe4, 0x73, 0x73, 0x3d])).encoding).toBe("utf8");
  });
});

describe("textForScan", () => {
  it("leaves plain UTF-8 alone (no copy) and drops a UTF-8 BOM", () => {
    const plain = Buffer.from(`k=${key}\n`);
    expect(textForScan(plain).data).toBe(plain);
    expect(textForScan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain])).data.equals(plain)).toBe(true);
  });

  it("decodes UTF-16 of either order and any length, with or without a BOM (odd lengths never throw)", () => {
    const text = `# note\nk=${key}\n`;
    const le = Buffer.from(text, "utf16le");
    const be = Buffer.from(le).swap16();
    for (const body of [le, be]) {
      const bom = body === le ? [0xff, 0xfe] : [0xfe, 0xff];
      for (const data of [body, Buffer.concat([Buffer.from(bom), body])]) {
        expect(textForScan(data).data.toString()).toBe(text);
        // One stray byte at the end: dropped, not a crash ("Buffer size must be a multiple of 16-bits").
        expect(textForScan(Buffer.concat([data, Buffer.from([0x41])])).data.toString()).toBe(text);
      }
    }
  });

  it("keeps the printable runs of binary data: a NUL cannot hide a key, lines still count", () => {
    const env = Buffer.from(`A=1\nSTRIPE=${key}\n`);
    const withNul = textForScan(Buffer.concat([env, Buffer.from([0])]));
    expect(withNul.binary).toBe(true);
    expect(withNul.data.toString()).toBe(`A=1\nSTRIPE=${key}\n `);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 1, 2, 3]), Buffer.from(key), Buffer.from([0, 0, 0x1b, 0x7f, 10, 0])]);
    const out = textForScan(elf).data.toString();
    expect(out).toContain(` ${key}   `);
    expect(out).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);
    expect(out.split("\n")).toHaveLength(2);
  });

  it("collapses long runs of control bytes (a file of NULs is a few bytes to the engine)", () => {
    const data = Buffer.concat([Buffer.from("header\n"), Buffer.alloc(1 << 20), Buffer.from(`\nk=${key}\n`)]);
    const out = textForScan(data).data;
    expect(out.length).toBeLessThan(key.length + 100);
    expect(out.toString()).toContain(`k=${key}`);
  });
});

describe("TextDecoder", () => {
  const samples = (): Buffer[] => {
    const text = `# ünïcödé 😀 line\nk=${key}\n`.repeat(300);
    const le = Buffer.from(text, "utf16le");
    return [
      Buffer.from(text),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), le]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16(), Buffer.from([0x42])]),
      Buffer.from(`k=${key}\n`.repeat(100), "utf16le"),
      Buffer.concat([Buffer.from(text), Buffer.alloc(5000), Buffer.from(`x=${key}\x01\x02\n`), Buffer.alloc(70, 1)]),
      Buffer.concat([Buffer.from([0, 1, 2, 3]), Buffer.from(text), Buffer.from([0xc3, 0x28, 0xff])]),
    ];
  };

  it("gives the same bytes as textForScan for any chunking (property)", () => {
    const next = rng(7);
    for (const data of samples()) {
      const whole = textForScan(data).data;
      for (let run = 0; run < 24; run++) {
        const sizes = Array.from({ length: 5 }, () => 1 + Math.floor(next() * (run < 12 ? 9 : 20000)));
        expect(decodeChunks(chunked(data, sizes)).equals(whole)).toBe(true);
      }
    }
  });

  it("streams a header then 256 MiB of NULs then a key in flat memory", async () => {
    const MiB = Buffer.alloc(1 << 20);
    async function* file() {
      yield Buffer.from("PK-not-really: text header\n");
      for (let i = 0; i < 256; i++) yield MiB;
      yield Buffer.from(`STRIPE=${key}\n`);
    }
    const before = process.memoryUsage().rss;
    let out = Buffer.alloc(0);
    for await (const b of textStream(file())) out = Buffer.concat([out, b]);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
    expect(out.toString()).toBe(`PK-not-really: text header\n${" ".repeat(64)}STRIPE=${key}\n`);
  });
});

describe("names", () => {
  it("escapes bytes that are not UTF-8 and keeps valid names as they are", () => {
    expect(displayName(Buffer.from([0xdc, 0x62, 0x65, 0x72, 0x2e, 0x65, 0x6e, 0x76]))).toBe("\\xDCber.env");
    expect(displayName(Buffer.from("Überweisung.env"))).toBe("Überweisung.env");
    expect(isValidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(false);
    expect(isValidUtf8(Buffer.from("😀"))).toBe(true);
  });
});
