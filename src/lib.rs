//! boa_finalization (work in progress: API contract)
use boa_engine::{realm::Realm, Context, JsResult};

/// Installs the registry into the current realm.
pub fn install(context: &mut Context) -> JsResult<()> { let _ = context; unimplemented!() }
/// Installs the registry into `realm`.
pub fn install_in_realm(realm: &Realm, context: &mut Context) -> JsResult<()> { let _ = (realm, context); unimplemented!() }
/// Creates a realm with the registry installed.
pub fn create_realm(context: &mut Context) -> JsResult<Realm> { let _ = context; unimplemented!() }
