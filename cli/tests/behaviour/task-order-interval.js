// An interval's next tick falls due after the collection in its current tick: the cleanup runs
// between the two ticks. A chain of 0 ms timers does not hold the cleanup back either.
const report = (ok, detail) => console.log(ok ? "PASS" : `FAIL: ${detail}`);

const order = [];
const fr = new FinalizationRegistry(v => order.push(`cleanup ${v}`));
let links = 0;
const chain = () => {
  links++;
  if (links === 1) { (() => fr.register({}, "chain"))(); gc(); }
  if (links < 50) setTimeout(chain, 0);
  else {
    order.push("chain end");
    const expected = "tick 1,tick 2,cleanup interval,tick 3,cleanup chain,chain end";
    report(order.join() === expected, `order [${order}], expected [${expected}]`);
  }
};
let ticks = 0;
const id = setInterval(() => {
  ticks++;
  order.push(`tick ${ticks}`);
  if (ticks === 2) { (() => fr.register({}, "interval"))(); gc(); }
  if (ticks === 3) { clearInterval(id); setTimeout(chain, 0); }
}, 5);
