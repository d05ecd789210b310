// A target dereferenced through a WeakRef survives its task and is collected in a later one.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(v => seen.push(v));
const ref = (() => { const t = {}; fr.register(t, "t"); return new WeakRef(t); })();
gc();
const aliveInTask = ref.deref() !== undefined;
setTimeout(() => {
  gc();
  after(3, () => report(aliveInTask && ref.deref() === undefined && seen.join() === "t",
    `alive in task: ${aliveInTask}, later: ${ref.deref()}, seen [${seen}]`));
}, 0);
