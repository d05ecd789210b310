// Every dirty registry is cleaned, not one per idle point.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const registries = Array.from({ length: 10 }, (_, r) => new FinalizationRegistry(v => seen.push(v)));
(() => registries.forEach((fr, r) => fr.register({}, r)))();
gc();
after(3, () => report(seen.length === 10, `only ${seen.length} of 10 registries cleaned`));
