// Self time per function and per file in a V8 .cpuprofile (`node --cpu-prof` writes one per thread).

function where(cf) {
  if (!cf.url) return "(native)";
  return cf.url.replace(/^file:\/\//, "").replace(/.*\/(node_modules|dist|src)\//, "$1/");
}

/** `{ totalMs, thread, functions: [{ name, ms, share }], files: [...] }`, largest first. */
export function summariseProfile(profile, top = 20) {
  // Each sample names the node on top of the stack; timeDeltas[i] is the time before sample i.
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byFn = new Map();
  const byFile = new Map();
  let total = 0;
  let isWorker = false;
  for (const node of profile.nodes) {
    const cf = node.callFrame;
    if (/pool-worker\.js$/.test(cf.url)) isWorker = true;
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    total += us;
    const file = where(cf);
    const fn = `${cf.functionName || "(anonymous)"} ${file}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const rows = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: us / total }));
  return { thread: isWorker ? "worker" : "main", totalMs: Math.round(total / 1000), functions: rows(byFn), files: rows(byFile) };
}
