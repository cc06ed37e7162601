// The entropy gate is calibrated to the value's own alphabet and length: a rule's minimum must not
// turn away a genuine random token because its alphabet is small (hex, digits), and must still turn
// away values that are not random at all.
import { describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import { MAX_SIMULATED, passesEntropy, randomFloor, shannonEntropy, simulateFloor } from "../src/engine/entropy.js";
import { ENTROPY_FLOORS, FLOORS_FROM } from "../src/engine/entropy-floors.js";

const hex = (n: number) => randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n);
const passRate = (make: () => string, minimum: number, runs = 5000) => {
  let pass = 0;
  for (let i = 0; i < runs; i++) if (passesEntropy(Buffer.from(make()), minimum)) pass++;
  return pass / runs;
};

describe("entropy gate", () => {
  it("lets through nearly every random hex token, UUID and digit string, whatever the rule's minimum", () => {
    // Without the calibration a 3.5 minimum turned away one 32-hex token in five and one UUID in twenty.
    expect(passRate(() => hex(32), 3.5)).toBeGreaterThanOrEqual(0.998);
    expect(passRate(() => randomUUID(), 3.5)).toBeGreaterThanOrEqual(0.998);
    expect(passRate(() => hex(40).toUpperCase(), 3.8)).toBeGreaterThanOrEqual(0.998);
    expect(passRate(() => String(randomBytes(8).readBigUInt64BE()).padStart(20, "7"), 3.5)).toBeGreaterThan(0.99);
  });

  it("still turns away what is not random", () => {
    for (const v of ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abababababababababababababababab", "0000000000000000ffffffffffffffff", "1111222233334444111122223333444411112222", "deadbeefdeadbeefdeadbeefdeadbeef", "x1x1x1x1x1x1x1x1x1x1x1x1"]) {
      expect(passesEntropy(Buffer.from(v), 3.5), v).toBe(false);
    }
  });

  it("does not lower the minimum for short values, and agrees with the plain minimum above it", () => {
    expect(passesEntropy(Buffer.from("abc123def4"), 3.5)).toBe(false);
    const v = Buffer.from("q7Rk2mZx9LpWv4Tn8sHd");
    expect(passesEntropy(v, 1)).toBe(true);
    expect(shannonEntropy(v)).toBeGreaterThan(4);
  });

  it("floors are deterministic and rise with length", () => {
    expect(randomFloor(16, 32)).toBe(randomFloor(16, 32));
    expect(randomFloor(16, 20)).toBeLessThan(randomFloor(16, 32));
    expect(randomFloor(16, 32)).toBeLessThan(randomFloor(62, 32));
    expect(randomFloor(16, 200)).toBe(randomFloor(16, 128));
  });

  it("reads floors from the generated table, which equals the simulation entry by entry", () => {
    // A stale table (the simulation or the alphabets changed, scripts/entropy-floors.mjs not re-run) fails here.
    expect(Object.keys(ENTROPY_FLOORS).map(Number).sort((a, b) => a - b)).toEqual([10, 16, 36, 62]);
    for (const [k, floors] of Object.entries(ENTROPY_FLOORS)) {
      expect(floors.length, `alphabet ${k}`).toBe(MAX_SIMULATED - FLOORS_FROM + 1);
      floors.forEach((f, i) => expect(f, `alphabet ${k}, length ${FLOORS_FROM + i}`).toBe(simulateFloor(Number(k), FLOORS_FROM + i)));
    }
    // passesEntropy dismisses a value under the shortest run's floor without its own length's: sound
    // only while no longer run has a lower floor.
    for (const floors of Object.values(ENTROPY_FLOORS)) expect(Math.min(...floors)).toBe(floors[0]);
    expect(randomFloor(62, 40)).toBe(ENTROPY_FLOORS[62]![40 - FLOORS_FROM]);
    // Outside the table (an alphabet the gate never asks about), the floor is simulated.
    expect(randomFloor(20, 24)).toBe(simulateFloor(20, 24));
  }, 30_000);
});
