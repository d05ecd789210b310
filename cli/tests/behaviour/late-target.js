// A target that dies after the job loop has already run several times still gets its callback.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const seen = [];
const fr = new FinalizationRegistry(v => seen.push(v));
const holder = {};
(() => { holder.target = { session: "ada" }; fr.register(holder.target, "late"); })();
after(3, () => {
  holder.target = null;
  setTimeout(() => {
    gc();
    after(3, () => report(seen.join() === "late", `seen [${seen}]`));
  }, 0);
});
