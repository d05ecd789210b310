// A tiny resource pool, imported by main.mjs. Handles should be closed; one that is dropped
// without close() is released by the FinalizationRegistry once the collector has freed it.
const registry = new FinalizationRegistry((id) => {
  released.push(id);
  console.log(`pool: handle ${id} was dropped without close(): released`);
});

/** Ids of the handles the registry released. */
export const released = [];

let nextId = 1;

/** Opens a handle; `close()` releases it at once and cancels the registry's callback. */
export function open() {
  const id = nextId++;
  const handle = {
    id,
    close() {
      registry.unregister(handle);
      console.log(`pool: handle ${id} closed`);
    },
  };
  // The handle is its own unregister token (tokens are held weakly, so this keeps nothing alive).
  registry.register(handle, id, handle);
  return handle;
}
