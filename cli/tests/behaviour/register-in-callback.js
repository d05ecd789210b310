// A callback can register new cells, which are delivered later.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(v => {
  seen.push(v);
  if (v === "first") { (() => fr.register({}, "second"))(); setTimeout(gc, 0); }
});
(() => fr.register({}, "first"))();
gc();
after(5, () => report(seen.join() === "first,second", `seen [${seen}]`));
