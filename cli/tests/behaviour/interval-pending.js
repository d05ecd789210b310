// Callbacks arrive between the ticks of a running interval.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(v => seen.push(v));
let ticks = 0;
const id = setInterval(() => {
  ticks++;
  if (ticks === 2) { (() => fr.register({}, "x"))(); gc(); }
  if (ticks === 8) { clearInterval(id); report(seen.join() === "x", `seen [${seen}] after ${ticks} ticks`); }
}, 5);
