// Promise continuations scheduled around gc() run before the cleanup callbacks it made due.
const after = (turns, f) => turns === 0 ? f() : setTimeout(() => after(turns - 1, f), 5);
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const order = [];
const fr = new FinalizationRegistry(() => order.push("cleanup"));
(async () => {
  (() => fr.register({}, 1))();
  gc();
  await null; order.push("await 1");
  await null; order.push("await 2");
})();
after(3, () => report(order.join() === "await 1,await 2,cleanup", `order [${order}]`));
