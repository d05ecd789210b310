// 10,000 dropped targets are all delivered with the right held values.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

let count = 0, sum = 0;
const fr = new FinalizationRegistry(v => { count++; sum += v; });
(() => { for (let i = 0; i < 10000; i++) fr.register({}, i); })();
gc();
after(3, () => report(count === 10000 && sum === 49995000, `count ${count}, sum ${sum}`));
