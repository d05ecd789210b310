// Each cell is delivered exactly once, even with many collections.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const counts = new Map();
const fr = new FinalizationRegistry(v => counts.set(v, (counts.get(v) || 0) + 1));
(() => { for (let i = 0; i < 100; i++) fr.register({}, i); })();
gc(); gc();
setTimeout(() => { gc(); gc(); }, 0);
after(4, () => {
  const ok = counts.size === 100 && [...counts.values()].every(c => c === 1);
  report(ok, `${counts.size} cells seen, counts ${[...new Set(counts.values())]}`);
});
