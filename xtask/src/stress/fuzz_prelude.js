
var SENTINEL = { sentinel: true };
var __res = [];
function __t(f, m) {
  var r;
  try {
    var v = f();
    r = v === undefined ? "undef" : typeof v === "boolean" ? "bool" : typeof v === "object" ? "obj" : v === "badproto" ? v : "other:" + typeof v;
  } catch (e) {
    if (e === SENTINEL) r = "sentinel";
    else if (e instanceof TypeError || e instanceof other.TypeError || e instanceof bare.TypeError) r = String(e.message).includes(m) ? "TE" : "TE?";
    else r = "bad:" + e;
  }
  __res.push(r);
}
var F = [FinalizationRegistry, other.FinalizationRegistry];
var M = F.map(function (f) { return [f.prototype.register, f.prototype.unregister]; });
// %FinalizationRegistry.prototype% of each realm: this crate's in the two where it is installed,
// Boa's own in `bare`.
var PROTOS = [F[0].prototype, F[1].prototype, bare.FinalizationRegistry.prototype];
// OrdinaryCreateFromConstructor's prototype for `newTarget` of realm `realm`.
function __proto(r, nt, realm) {
  var p = nt.prototype;
  var expected = (typeof p === "object" && p !== null) || typeof p === "function" ? p : PROTOS[realm];
  return $getProto(r) === expected ? r : "badproto";
}
var made = [];
// The weak family of the two realms where the extension is installed (methods captured now, after
// the install), and %WeakRef.prototype% of each realm for foreign NewTargets.
var WR = [WeakRef, other.WeakRef];
var WRPROTOS = [WR[0].prototype, WR[1].prototype, bare.WeakRef.prototype];
var DEREF = WR.map(function (f) { return f.prototype.deref; });
var WMM = [$WeakMap.prototype, other.WeakMap.prototype].map(function (p) {
  return [p.set, p.get, p.has, p.delete, p.getOrInsert];
});
var WSM = [$WeakSet.prototype, other.WeakSet.prototype].map(function (p) { return [p.add, p.has, p.delete]; });
var WMNAMES = ["set", "get", "has", "delete", "getOrInsert"], WSNAMES = ["add", "has", "delete"];
function __wproto(r, nt, realm) {
  var p = nt.prototype;
  var expected = (typeof p === "object" && p !== null) || typeof p === "function" ? p : WRPROTOS[realm];
  return $getProto(r) === expected ? r : "badproto";
}
