// Every dirty registry gets its cleanup job in the cleanup task, each job followed by its own
// promise jobs, and timers scheduled by callbacks wait for the whole task.
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const order = [];
let timers = 0;
const callback = name => v => {
  order.push(`${name} ${v}`);
  Promise.resolve().then(() => order.push(`${name} promise`));
  setTimeout(() => { order.push(`${name} timer`); if (++timers === 2) check(); }, 0);
};
const a = new FinalizationRegistry(callback("a"));
const b = new FinalizationRegistry(callback("b"));
setTimeout(() => {
  (() => { a.register({}, 1); b.register({}, 2); })();
  gc();
}, 0);
const check = () => {
  const got = order.join();
  const ok = got === "a 1,a promise,b 2,b promise,a timer,b timer" ||
    got === "b 2,b promise,a 1,a promise,b timer,a timer";
  report(ok, `order [${order}]`);
};
