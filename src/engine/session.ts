// The scan loop for one input, fed in chunks of any size. Every decision is made on absolute byte
// offsets and only once the bytes it depends on are present, so the findings are identical for any
// chunking of the same input, and memory holds only a window behind the read position.
//
//   keyword hits ──▶ per-rule windows [hit − before, hit end + after], merged while they overlap
//                ──▶ a window is closed once no later hit can reach it, run once its bytes are here
//                ──▶ regex → secret group → entropy → checksum → placeholders → allowlist
//                ──▶ candidates, resolved (generic yields to specific) and emitted in offset order
import type { CompiledRule, RuleSet } from "./compile.js";
import { findKeywordHits } from "./prefilter.js";
import { runQuickGate } from "./gate-program.js";
import { LineIndex } from "./line-index.js";
import { passesEntropy, shannonEntropy } from "./entropy.js";
import { VALIDATORS } from "./validators.js";
import { isPlaceholder } from "./placeholders.js";
import { buildFinding } from "./finding.js";
import { applyContext } from "./context.js";
import { decodeValue, innerRuleSet } from "./decoders.js";
import { compileRuleExtras } from "./rule-extras.js";
import { decodedIsCredential } from "./decoded-credential.js";
import { INLINE_LOOKAHEAD, INLINE_LOOKBACK, inlineAllowed } from "./inline-allow.js";
import { GRAMMAR_AFTER, GRAMMAR_BEFORE } from "./assignment/pairs.js";
import { assignedValues, namedByAny, vetoedByName } from "./assignment/assigned-values.js";
import { NAME_REACH } from "./assignment/pairs.js";
import { nextArgumentAt } from "./assignment/values.js";
import type { Finding, ScanTarget } from "../types.js";
import { KeyfenceError } from "../errors.js";

/** A merged window never grows past this; dense keyword input is cut into windows of this size. */
export const MAX_WINDOW = 256 * 1024;

interface Interval {
  rule: number;
  start: number;
  end: number;
}

/** A keyword hit of assignment rules, waiting for the bytes the grammar may read around it. */
interface PairHit {
  pos: number;
  end: number;
  rules: readonly CompiledRule[];
}

const NO_RULES: readonly CompiledRule[] = [];
/** Every session starts from this (never written: data is replaced, not filled); a Buffer per session was measurable. */
const EMPTY = Buffer.alloc(0);

/**
 * The assignment rules among a hit's rules. Hits of one keyword share one rules list, so the subset
 * is worked out once per list: building it at every hit was the largest allocation of a tree scan
 * (a fresh array per hit of "token" or "host"), and so a visible share of its garbage collection.
 */
function assignmentRulesOf(set: RuleSet, rules: readonly number[]): readonly CompiledRule[] {
  let out = set.assignmentRules.get(rules);
  if (!out) {
    const found = rules.filter((r) => set.rules[r]!.assigns).map((r) => set.rules[r]!);
    out = found.length ? found : NO_RULES;
    set.assignmentRules.set(rules, out);
  }
  return out;
}

interface Candidate {
  rule: CompiledRule;
  start: number;
  end: number;
  /**
   * What to report. Absent for a veto: text known to hold no credential (a decoded placeholder, or a
   * value an inline allow accepted), on which generic rules must not report either. Never emitted.
   */
  finding?: Finding;
  /** Found by a decoder rule inside encoded text; plain matches of the same rule there yield to it. */
  decoded?: boolean;
  /** Read by the grammar under a name the rule accepts: it names the provider, where a regex near a keyword only suggests one. */
  named?: boolean;
}

export interface SessionOptions {
  /** Extra stopwords (lower-case) from configuration. */
  stopwords?: readonly string[];
  /** Bytes that must be droppable before the retained buffer is compacted (tests use 1). */
  compactAt?: number;
  /** Wall-clock budget for one input; past it the session throws ScanTimeout (reported, not skipped). */
  timeLimitMs?: number;
  /** Key of findings' secret digests (src/finding/fingerprint.ts); the Engine draws a random one when unset. */
  fingerprintKey?: Uint8Array;
}

/** One input took longer than its budget: file scans report it as not fully scanned; elsewhere it fails the run. */
export class ScanTimeout extends KeyfenceError {
  constructor(
    readonly limitMs: number,
    path: string,
  ) {
    super(`not fully scanned: took longer than ${limitMs / 1000} s (fileTimeoutSeconds)`, { file: path });
    this.name = "ScanTimeout";
  }
}

/**
 * Which rules may report at a path. Most rules have no path allowlist and most paths match none, so
 * the set's all-true array is shared; a session only copies it when a path rule excludes itself.
 */
function allowedAt(set: RuleSet, path: string): readonly boolean[] {
  let out: boolean[] | undefined;
  for (const r of set.pathRules) {
    if (!set.rules[r]!.pathAllowed!(path)) continue;
    out ??= [...set.allRules];
    out[r] = false;
  }
  return out ?? set.allRules;
}

export class ScanSession {
  private data: Buffer = EMPTY;
  /** Absolute offset of data[0]. */
  private base = 0;
  /** Absolute offset of the end of the data read so far (a field, not a getter: it is read at every hit). */
  private total = 0;
  /** Every keyword hit starting before this offset has been handled. */
  private hitFrom = 0;
  private readonly open = new Map<number, Interval>();
  private closed: Interval[] = [];
  private candidates: Candidate[] = [];
  private pairHits: PairHit[] = [];
  /** Per rule, the end of the last accepted match: a later overlapping match of the same rule is the same secret. */
  private readonly lastEnd = new Map<number, number>();
  private readonly lines = new LineIndex();
  private readonly rulesAllowedHere: readonly boolean[];
  private ended = false;

  constructor(
    private readonly set: RuleSet,
    private readonly target: ScanTarget,
    private readonly emit: (f: Finding) => void,
    private readonly options: SessionOptions = {},
  ) {
    this.rulesAllowedHere = allowedAt(set, target.path);
    this.deadline = options.timeLimitMs === undefined ? Infinity : Date.now() + options.timeLimitMs;
  }

  private readonly deadline: number;

  /** Checked once per batch of hits and per window: cheap, and RE2 bounds the work in between. */
  private checkTime(): void {
    if (Date.now() > this.deadline) throw new ScanTimeout(this.options.timeLimitMs!, this.target.path);
  }

  push(chunk: Buffer): void {
    if (this.ended) throw new Error("push after end");
    if (chunk.length === 0) return;
    this.data = this.data.length === 0 ? chunk : Buffer.concat([this.data, chunk]);
    this.total = this.base + this.data.length;
    this.process(false);
  }

  /** Ends the input, optionally with its last chunk (a whole buffer is one last chunk: nothing to compact). */
  end(last?: Buffer): void {
    if (this.ended) return;
    if (last?.length) this.data = this.data.length === 0 ? last : Buffer.concat([this.data, last]);
    this.total = this.base + this.data.length;
    this.ended = true;
    this.process(true);
  }

  private process(eof: boolean): void {
    const { hits, resumeAt } = findKeywordHits(this.set, this.data, this.hitFrom - this.base, eof);
    this.hitFrom = this.base + resumeAt;
    for (const h of hits) {
      // A hit whose gate still lacks bytes waits, with every later hit, for the next chunk: hits are
      // handled in order and each exactly when a whole-buffer scan would, so windows merge alike.
      if (!this.gatesDecidable(this.base + h.pos + h.length, h.rules, eof)) {
        this.hitFrom = this.base + h.pos;
        break;
      }
      this.onHit(this.base + h.pos, h.length, h.rules);
    }
    this.checkTime();

    // forEach rather than for…of: no entry array per open window at every step.
    this.open.forEach((iv, r) => {
      // A later hit's window starts at or after hitFrom − before; once that is past this
      // window's end, nothing can extend it any more.
      if (eof || this.hitFrom - this.set.rules[r]!.before >= iv.end) {
        this.closed.push(iv);
        this.open.delete(r);
      }
    });
    this.runClosed(eof);
    this.runPairHits(eof);
    this.flush(eof);
    this.trim();
  }

  /** Whether every gated rule of a hit ending at `end` has the bytes its gate may look at. */
  private gatesDecidable(end: number, rules: number[], eof: boolean): boolean {
    if (eof) return true;
    for (const r of rules) {
      const c = this.set.rules[r]!;
      if (c.gated && this.rulesAllowedHere[r] && this.total < end + c.after) return false;
    }
    return true;
  }

  private onHit(pos: number, length: number, rules: number[]): void {
    for (const r of rules) {
      if (!this.rulesAllowedHere[r]) continue;
      const c = this.set.rules[r]!;
      if (!c.opensWindows) continue;
      const start = Math.max(0, pos - c.before);
      const end = pos + length + c.after;
      const cur = this.open.get(r);
      // A hit inside the rule's open window changes nothing: the window already covers its bytes.
      if (cur && start >= cur.start && end <= cur.end) continue;
      if (c.gated && !this.passesGate(c, pos, pos + length)) continue;
      if (cur && start < cur.end && Math.max(cur.end, end) - cur.start <= MAX_WINDOW) {
        cur.end = Math.max(cur.end, end);
        continue;
      }
      if (cur) this.closed.push(cur);
      this.open.set(r, { rule: r, start, end });
    }
    let pairRules = assignmentRulesOf(this.set, rules);
    if (pairRules.length && this.rulesAllowedHere !== this.set.allRules) pairRules = pairRules.filter((c) => this.rulesAllowedHere[c.index]);
    if (pairRules.length && this.nameMayBeAccepted(pos, pos + length, pairRules)) this.pairHits.push({ pos, end: pos + length, rules: pairRules });
  }

  /**
   * Whether some rule may accept the name around a hit. Decided now when the bytes the name can span
   * are here (else later, with the same answer): code full of "payments" or "tokens" then costs a
   * name read per hit and keeps nothing waiting.
   */
  private nameMayBeAccepted(pos: number, end: number, rules: readonly CompiledRule[]): boolean {
    if (!this.ended && end + NAME_REACH > this.total) return true;
    const lo = Math.max(this.base, pos - NAME_REACH);
    const view = this.data.subarray(lo - this.base, Math.min(this.total, end + NAME_REACH) - this.base);
    return namedByAny(view, pos - lo, end - lo, rules);
  }

  /**
   * Assignment rules: the grammar reads the pairs around each hit, in hit order, once every byte it
   * may read (and the inline-allow look-ahead of any value there) is present.
   */
  private runPairHits(eof: boolean): void {
    let i = 0;
    for (; i < this.pairHits.length; i++) {
      const h = this.pairHits[i]!;
      if (!eof && h.end + GRAMMAR_AFTER + INLINE_LOOKAHEAD > this.total) break;
      if ((i & 63) === 0) this.checkTime();
      const lo = Math.max(0, h.pos - GRAMMAR_BEFORE);
      const hi = Math.min(this.total, h.end + GRAMMAR_AFTER);
      const view = this.data.subarray(lo - this.base, hi - this.base);
      let rescanned: Buffer | undefined;
      for (const { rule: c, pair, bytes } of assignedValues(view, h.pos - lo, h.end - lo, h.rules)) {
        const start = lo + pair.value.start;
        const stop = lo + pair.value.end;
        // A percent-encoded URL parameter's value is glued to `%3D`, where self-identifying tokens'
        // own rules see no boundary, and a key split into joined literals is whole nowhere in the
        // text: every rule scans the value as the program sees it, once per pair.
        if ((pair.percentEncoded || pair.pieces) && rescanned !== bytes) {
          rescanned = bytes;
          const [as, where] = pair.pieces ? ["joined", "string literals joined"] : ["url", "url-decoded from a URL query parameter"];
          this.candidates.push(...this.scanInner(bytes, start, stop, as, where));
        }
        const finding = this.judge(c, bytes, start, stop, view, pair.value.start, pair.value.end);
        if (finding === "allowed") this.candidates.push({ rule: c, start, end: stop });
        else if (finding) this.candidates.push({ rule: c, start, end: stop, finding, named: true });
      }
    }
    if (i) this.pairHits = this.pairHits.slice(i);
  }

  /**
   * Whether the keyword hit at `pos` (ending at `end`) can start a match: the rule's `afterKeyword`,
   * run from the hit's start (the gate spells out the rule's keywords) over the hit's window only,
   * so the answer is the same whatever else has been read.
   */
  private passesGate(c: CompiledRule, pos: number, end: number): boolean {
    const limit = Math.min(this.total, end + c.after) - this.base;
    if (c.quickGate) {
      const quick = runQuickGate(c.quickGate, this.data, pos - this.base, limit);
      if (quick !== undefined) return quick;
    }
    const gate = c.gate!;
    gate.lastIndex = pos - this.base;
    if (limit >= this.data.length) return gate.test(this.data);
    // Without end-of-text assertions, a match in the window is a match in all the data and a match in
    // the data that ends within the window is one in the window: only then is no slice needed.
    if (!c.gateSeesEnd) {
      if (!gate.test(this.data)) return false;
      if (gate.lastIndex <= limit) return true;
      gate.lastIndex = pos - this.base;
    }
    return gate.test(this.data.subarray(0, limit));
  }

  private runClosed(eof: boolean): void {
    // Windows run strictly in the order they closed, so a rule's matches are accepted in the same
    // order whatever the chunking; the first window still short of bytes holds up the rest.
    let i = 0;
    for (; i < this.closed.length; i++) {
      const iv = this.closed[i]!;
      // Run a window only once the bytes an inline allow may sit in (rest of the line) are here too.
      if (!eof && iv.end + INLINE_LOOKAHEAD > this.total) break;
      this.checkTime();
      this.runWindow(iv, Math.min(iv.end, this.total));
    }
    this.closed = this.closed.slice(i);
  }

  private runWindow(iv: Interval, end: number): void {
    const c = this.set.rules[iv.rule]!;
    const slice = this.data.subarray(iv.start - this.base, end - this.base);
    // Only rules with a regex open windows.
    const re = c.re!;
    re.lastIndex = 0;
    for (;;) {
      const m = re.exec(slice);
      if (!m) break;
      const whole = m.indices![0]!;
      // Guard against empty matches looping forever.
      if (whole[1] === whole[0]) re.lastIndex = whole[1] + 1;
      const named = m.indices!.groups;
      const span = named && "secret" in named ? named.secret : m.indices![1];
      if (!span || span[1] <= span[0]) continue;
      // The next search starts where the secret ends, not the match: a rule's closing boundary
      // (`(?:[^A-Za-z0-9_]|$)`) takes the newline that the next key's opening boundary needs, and a
      // list of keys one per line lost every second one.
      if (span[1] < whole[1]) re.lastIndex = span[1];
      const start = iv.start + span[0];
      const stop = iv.start + span[1];
      if (start < (this.lastEnd.get(iv.rule) ?? -1)) continue;
      // The value of a name the rule's own assignment rules out (card_id = …) is not this credential.
      if (c.assignment && vetoedByName(this.settledView(stop), start - this.base, c)) continue;
      if (c.rule.decode) {
        // Hook: decoder rules (decoders.ts) report what is inside the encoded text.
        const nameSpan = named && "name" in named ? named.name : undefined;
        const name = nameSpan ? slice.toString("utf8", nameSpan[0], nameSpan[1]) : undefined;
        const found = this.judgeDecoded(c, slice, span[0], span[1], start, stop, name);
        if (found.length) this.lastEnd.set(iv.rule, stop);
        this.candidates.push(...found);
        continue;
      }
      const finding = this.judge(c, slice.subarray(span[0], span[1]), start, stop, slice, span[0], span[1]);
      if (finding === "allowed") {
        this.candidates.push({ rule: c, start, end: stop });
      } else if (finding) {
        this.lastEnd.set(iv.rule, stop);
        this.candidates.push({ rule: c, start, end: stop, finding });
        if (this.set.followers[c.index]) this.runFollowers(c, stop);
      }
    }
  }

  /**
   * The retained data up to INLINE_LOOKAHEAD bytes past `stop`, the end of a match in a window being
   * run: a window runs only once that much follows it (or at the end), and INLINE_LOOKBACK bytes
   * before any window are kept, so what is read in this view — a name before the match, an
   * argument after it — is the same for any chunking.
   */
  private settledView(stop: number): Buffer {
    return this.data.subarray(0, Math.min(this.total, stop + INLINE_LOOKAHEAD) - this.base);
  }

  /**
   * The credentials given right after a match of `leader` that ends at `stop` (rules that `follow`
   * it): the next string argument, judged as each follower's own value, read in settledView.
   */
  private runFollowers(leader: CompiledRule, stop: number): void {
    const view = this.settledView(stop);
    const v = nextArgumentAt(view, stop - this.base);
    if (!v) return;
    const bytes = view.subarray(v.start, v.end);
    const start = this.base + v.start;
    const end = this.base + v.end;
    for (const c of this.set.followers[leader.index]!) {
      if (!c.assignment!.value.test(bytes)) continue;
      const finding = this.judge(c, bytes, start, end, view, v.start, v.end);
      if (finding === "allowed") this.candidates.push({ rule: c, start, end });
      else if (finding) this.candidates.push({ rule: c, start, end, finding, named: true });
    }
  }

  /** Cheapest checks first: entropy, checksum, placeholders, allowlist; then position and finding. */
  /**
   * A finding, undefined when the value is not this credential, or "allowed" when an inline
   * directive accepts it — which also keeps generic rules from reporting the same value.
   */
  private judge(c: CompiledRule, bytes: Buffer, start: number, stop: number, window: Buffer, from: number, to: number): Finding | "allowed" | undefined {
    const rule = c.rule;
    let entropy: number | undefined;
    if (rule.entropy !== undefined) {
      entropy = shannonEntropy(bytes);
      if (!passesEntropy(bytes, rule.entropy, entropy)) return undefined;
    }
    const secret = bytes.toString("utf8");
    for (const v of rule.validate) if (!VALIDATORS[v](secret)) return undefined;
    const stop2 = c.stopwords.length && this.options.stopwords?.length ? [...c.stopwords, ...this.options.stopwords] : c.stopwords.length ? c.stopwords : (this.options.stopwords ?? []);
    if (isPlaceholder(secret, stop2)) return undefined;
    for (const a of c.allow) if (a.test(secret)) return undefined;
    const viewFrom = Math.max(this.base, start - INLINE_LOOKBACK);
    const view = this.data.subarray(viewFrom - this.base, Math.min(this.total, stop + INLINE_LOOKAHEAD) - this.base);
    if (inlineAllowed(view, start - viewFrom, stop - viewFrom, rule.id)) return "allowed";
    const at = this.lines.locate(start, this.data, this.base);
    const end = this.lines.locate(stop, this.data, this.base);
    const finding = buildFinding(c, secret, this.target, { offset: start, endOffset: stop, line: at.line, column: at.column, endLine: end.line, endColumn: end.column }, entropy, this.options.fingerprintKey!);
    // Hook: tokens without an environment marker take it from nearby text or the file name (context.ts).
    if (rule.context) applyContext(rule, finding, window, from, to, this.target.path);
    return finding;
  }

  /**
   * A decoder rule's match: decode it, let every other rule scan the decoded value, and place what
   * they find at the encoded text. With nothing inside, the rule reports the decoded value itself
   * when its own checks (and `require`) pass.
   */
  private judgeDecoded(c: CompiledRule, window: Buffer, from: number, to: number, start: number, stop: number, name?: string): Candidate[] {
    const decode = c.rule.decode!;
    const decoded = decodeValue(decode.as, window.subarray(from, to));
    if (!decoded) return [];
    const found = this.scanInner(decoded, start, stop, decode.as, `${decode.as}-decoded from ${decode.where}`);
    if (found.length) return found;
    const note = ` — ${decode.as}-decoded from ${decode.where}`;
    if (!decode.reportSelf) return [];
    const require = compileRuleExtras(c.rule).require;
    // A regex that names the value's key (group `name`) lets the key or the bytes say credential.
    const says = name === undefined || decodedIsCredential(decoded, name);
    const finding = !says || (require && !require.test(decoded)) ? undefined : this.judge(c, decoded, start, stop, window, from, to);
    if (finding === "allowed") return [{ rule: c, start, end: stop }];
    if (!finding) {
      // The encoded text is known to hold no credential (e.g. base64 of "changeme").
      return isPlaceholder(decoded.toString("utf8"), c.stopwords) ? [{ rule: c, start, end: stop }] : [];
    }
    finding.encoding = decode.as;
    finding.message += note;
    return [{ rule: c, start, end: stop, finding }];
  }

  /**
   * What every rule finds inside a decoded value, placed at the encoded text [start, stop): the
   * finding says it was decoded, and plain matches of the same rule there yield to it.
   */
  private scanInner(decoded: Buffer, start: number, stop: number, as: string, where: string): Candidate[] {
    const inner = innerRuleSet(this.set);
    const found: Finding[] = [];
    if (inner.rules.length) {
      const s = new ScanSession(inner, this.target, (f) => found.push(f), this.options);
      s.push(decoded);
      s.end();
    }
    if (!found.length) return [];
    const at = this.lines.locate(start, this.data, this.base);
    const end = this.lines.locate(stop, this.data, this.base);
    const byId = new Map(inner.rules.map((r) => [r.rule.id, r]));
    return found.map((f) => {
      Object.assign(f, { offset: start, endOffset: stop, line: at.line, column: at.column, endLine: end.line, endColumn: end.column, encoding: as });
      f.message += ` — ${where}`;
      return { rule: byId.get(f.ruleId)!, start, end: stop, finding: f, decoded: true };
    });
  }

  /** The lowest offset at which any future candidate can still start. */
  private horizon(): number {
    let h = this.hitFrom - this.set.maxBefore;
    for (const iv of this.open.values()) h = Math.min(h, iv.start);
    for (const iv of this.closed) h = Math.min(h, iv.start);
    if (this.pairHits.length) h = Math.min(h, this.pairHits[0]!.pos - GRAMMAR_BEFORE);
    return h;
  }

  private flush(eof: boolean): void {
    if (this.candidates.length === 0) return;
    const safe = eof ? Infinity : this.horizon();
    const all = this.candidates.sort((a, b) => a.start - b.start || a.rule.index - b.rule.index);
    // Group overlapping candidates; a group whose end is below the horizon can no longer grow.
    const keep: Candidate[] = [];
    let i = 0;
    while (i < all.length) {
      let j = i + 1;
      let end = all[i]!.end;
      while (j < all.length && all[j]!.start < end) end = Math.max(end, all[j++]!.end);
      const group = all.slice(i, j);
      if (end > safe) {
        keep.push(...all.slice(i));
        break;
      }
      for (const f of resolve(group)) this.emit(f);
      i = j;
    }
    this.candidates = keep;
  }

  private trim(): void {
    // At the end nothing is read again; compacting would only count lines nobody asks for.
    if (this.ended) return;
    // Keep what a future window or keyword search may still need, and the bytes before it where
    // an inline allow may sit; drop the rest.
    let keepFrom = Math.min(this.horizon(), this.hitFrom) - INLINE_LOOKBACK;
    keepFrom = Math.max(this.base, Math.min(keepFrom, this.total));
    if (keepFrom - this.base < (this.options.compactAt ?? 64 * 1024)) return;
    this.lines.forget(keepFrom, this.data, this.base);
    this.data = Buffer.from(this.data.subarray(keepFrom - this.base));
    this.base = keepFrom;
  }
}

/** Within one group of overlapping secrets: generic rules yield to specific ones; one finding per span. */
function resolve(group: Candidate[]): Finding[] {
  const vetoes = group.filter((c) => !c.finding);
  // A part-only rule (`alone: drop`) reports a value only for pairing (src/pairing/): it takes the
  // value from no other rule, and pairing drops the others' finding of it when the pair takes it.
  const partOnly = (c: Candidate) => c.rule.rule.alone === "drop";
  const specific = group.filter((c) => c.finding && !c.rule.rule.generic && !partOnly(c));
  const decoded = group.filter((c) => c.decoded);
  const out: Finding[] = [];
  const spans: Candidate[] = [];
  const partSpans: Candidate[] = [];
  // Of two provider rules that report the same span, the one whose name the text gives wins over one
  // that matched near its keyword (`yapily.application.secret=…` a few lines below a TrueLayer URL).
  const plainProvider = (c: Candidate) => c.finding !== undefined && !c.named && !c.decoded && !c.rule.rule.generic && !partOnly(c);
  const outnamed = (c: Candidate) =>
    plainProvider(c) && specific.some((o) => o.named && !o.decoded && o.rule !== c.rule && o.start === c.start && o.end === c.end && !o.rule.rule.defersTo?.includes(c.rule.rule.id));
  for (const c of group) {
    if (outnamed(c)) continue;
    const f = c.finding;
    if (!f) continue;
    const overlaps = (o: Candidate) => o.start < c.end && c.start < o.end;
    if (c.rule.rule.generic && (vetoes.some(overlaps) || specific.some(overlaps))) continue;
    // A rule that declares it defers to another (a more specific format of the same token) yields,
    // generic or not: the Bearer rule's reading of `Authorization: Basic …` is the Basic rule's.
    const defersTo = c.rule.rule.defersTo;
    if (defersTo && group.some((o) => o !== c && o.finding && defersTo.includes(o.rule.rule.id) && overlaps(o))) continue;
    // A piece of a split key matched on its own is the same secret the decoder reassembled, and so
    // is the same key reassembled twice (the concatenation decoder, and the grammar's joined value).
    if (!c.decoded && decoded.some((d) => d.finding?.ruleId === f.ruleId && overlaps(d))) continue;
    if (c.decoded && spans.some((o) => o.decoded && o.finding?.ruleId === f.ruleId && overlaps(o))) continue;
    if (partOnly(c)) {
      if (!partSpans.some((o) => o.rule === c.rule && o.start === c.start && o.end === c.end)) {
        partSpans.push(c);
        out.push(f);
      }
      continue;
    }
    if (spans.some((o) => o.start === c.start && o.end === c.end)) continue;
    spans.push(c);
    out.push(f);
  }
  return out;
}
