// A pool of "file handles": released explicitly with unregister(), or by the registry when leaked.
// Run: cargo run --bin finreg -- --expose-gc cli/examples/resource-pool.js
const released = { explicitly: [], byRegistry: [] };
const handles = new FinalizationRegistry(fd => {
  released.byRegistry.push(fd);
  console.log(`registry closed leaked fd ${fd}`);
});

let nextFd = 3;
function open(name) {
  const file = { name, fd: nextFd++ };
  // The token is the file object itself: it does not keep the file alive.
  handles.register(file, file.fd, file);
  return file;
}
function close(file) {
  handles.unregister(file);
  released.explicitly.push(file.fd);
}

(function work() {
  for (let i = 0; i < 6; i++) {
    const file = open(`log-${i}.txt`);
    if (i % 2 === 0) close(file); // the odd ones leak
  }
})();

gc(); // the leaked files are unreachable now; their callbacks come in a later job

setTimeout(() => {
  console.log(`closed explicitly: ${released.explicitly.join(", ")}`);
  console.log(`closed by the registry: ${released.byRegistry.sort().join(", ")}`);
}, 0);
