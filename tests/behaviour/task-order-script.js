// The script's evaluation is the first task: a timer it scheduled before gc() runs before the cleanup,
// one it scheduled after gc() runs after it, and its promise jobs come first of all.
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const order = [];
const fr = new FinalizationRegistry(v => order.push(`cleanup ${v}`));
setTimeout(() => order.push("before gc"), 0);
(() => fr.register({}, "x"))();
gc();
setTimeout(() => order.push("after gc"), 0);
Promise.resolve().then(() => order.push("script promise"));
setTimeout(() => {
  const expected = "script promise,before gc,cleanup x,after gc";
  report(order.join() === expected, `order [${order}], expected [${expected}]`);
}, 50);
