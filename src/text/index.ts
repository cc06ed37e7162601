// The text module: bytes of any source → the bytes the engine scans (see text.ts).
export { TextDecoder, textForScan, textStream, sniff, startsAsText, SNIFF_BYTES, type ScanText, type TextEncoding } from "./text.js";
export { displayName, isValidUtf8 } from "./name.js";
