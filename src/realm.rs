//! What the crate keeps in each realm it installed into: the realm's number and its
//! `%FinalizationRegistry.prototype%`, as one record in the realm's `[[HostDefined]]`.
//!
//! The record lives as long as its realm and no longer (the realm traces it), and a realm without
//! one has Boa's own registry. Every borrow of a realm's `[[HostDefined]]` by the crate is here.

use boa_engine::{JsData, JsObject, realm::Realm};
use boa_gc::{Finalize, Trace};

/// The crate's record of one realm it installed into.
#[derive(Debug, Trace, Finalize, JsData)]
struct RealmRecord {
    /// The number its context gave the realm: 1 for the context's first installed realm, and so on.
    /// Reports use it to say which realm an error belongs to.
    number: u32,
    /// The realm's `%FinalizationRegistry.prototype%` (this crate's): where GetPrototypeFromConstructor
    /// falls back to for a constructor of this realm whose `prototype` is not an object.
    prototype: JsObject,
}

/// Records that the crate is installed in `realm`, as realm `number`, with `prototype` as its
/// `%FinalizationRegistry.prototype%`.
pub(crate) fn record_install(realm: &Realm, number: u32, prototype: JsObject) {
    realm
        .host_defined_mut()
        .insert(RealmRecord { number, prototype });
}

/// Whether the crate is installed in `realm`.
pub(crate) fn is_installed(realm: &Realm) -> bool {
    realm.host_defined().has::<RealmRecord>()
}

/// The number of `realm`, if the crate is installed there.
pub(crate) fn number(realm: &Realm) -> Option<u32> {
    realm
        .host_defined()
        .get::<RealmRecord>()
        .map(|record| record.number)
}

/// The crate's `%FinalizationRegistry.prototype%` of `realm`, if the crate is installed there.
pub(crate) fn registry_prototype(realm: &Realm) -> Option<JsObject> {
    realm
        .host_defined()
        .get::<RealmRecord>()
        .map(|record| record.prototype.clone())
}
