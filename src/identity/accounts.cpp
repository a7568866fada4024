#include "skybill/core/identifiers.hpp"
#include "skybill/identity/accounts.hpp"

#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/identity/keys.hpp"
#include "store.hpp"

namespace skybill::identity {
namespace {

const db::AuditEntry cli_entry(std::string merchant_id, std::string action, std::string subject) {
  return db::AuditEntry{"cli", std::move(merchant_id), std::move(action), std::move(subject), {}};
}

void require_uuid(const std::string& value, const char* field) {
  if (!core::is_uuid(value)) throw core::validation_failed({{field, "must be a UUID"}});
}

}  // namespace

// Call with the series lock held. `merchant_id`: the airline asking, which may resume its own.
void require_free_prefix(db::Tx& tx, const std::string& prefix, const std::string& merchant_id) {
  auto series = store::series_owner(tx, prefix);
  if (series.owner == store::SeriesOwner::reserved)
    throw core::validation_failed(
        {{"invoice_prefix", "is reserved: invoices issued before airlines had series of their own carry it"}});
  if (series.owner == store::SeriesOwner::merchant && series.merchant_id != merchant_id)
    throw core::validation_failed({{"invoice_prefix", "is taken by another airline: " + prefix +
                                                          " numbers that airline's invoices, choose another"}});
}

namespace {

}  // namespace

CreatedMerchant Accounts::create_merchant(const MerchantInput& raw, bool live) {
  auto in = validate_merchant(raw);
  CreatedMerchant out;
  pool_.transact_sync([&](db::Tx& tx) {
    store::lock_invoice_series(tx);
    if (in.invoice_prefix.empty())
      in.invoice_prefix = derive_invoice_prefix(
          in.name, [&](const std::string& p) { return store::series_owner(tx, p).owner != store::SeriesOwner::none; });
    else
      require_free_prefix(tx, in.invoice_prefix, {});
    out.merchant_id = store::insert_merchant(tx, in);
    out.invoice_prefix = in.invoice_prefix;
    auto key = generate_key(live ? KeyKind::merchant_live : KeyKind::merchant_test);
    out.key = {store::insert_api_key(tx, out.merchant_id, live, key.hash, key.last4), key.secret};
    db::audit(tx, cli_entry(out.merchant_id, "merchant.created", out.merchant_id),
              {{"name", in.name}, {"inn", in.inn}, {"kpp", in.kpp}, {"timezone", in.timezone}},
              db::Changes()
                  .set("contact_email", nullptr,
                       in.contact_email.empty() ? nlohmann::json(nullptr) : nlohmann::json(in.contact_email))
                  .set("invoice_prefix", nullptr, in.invoice_prefix));
    db::audit(tx, cli_entry(out.merchant_id, "api_key.created", out.key.key_id), {{"last4", key.last4}});
  });
  return out;
}

nlohmann::json Accounts::update_merchant(const std::string& merchant_id, const MerchantPatch& patch) {
  require_uuid(merchant_id, "merchant");
  nlohmann::json out;
  pool_.transact_sync([&](db::Tx& tx) {
    identity::update_merchant(tx, merchant_id, patch, cli_entry(merchant_id, "", merchant_id));
    out = *merchant_view(tx, merchant_id);
  });
  return out;
}

nlohmann::json Accounts::show_merchant(const std::string& merchant_id) {
  require_uuid(merchant_id, "merchant");
  std::optional<nlohmann::json> out;
  pool_.transact_sync([&](db::Tx& tx) { out = merchant_view(tx, merchant_id); });
  if (!out) throw core::not_found("merchant " + merchant_id);
  return *out;
}

IssuedKey Accounts::create_merchant_key(const std::string& merchant_id, bool live) {
  require_uuid(merchant_id, "merchant");
  IssuedKey out;
  pool_.transact_sync([&](db::Tx& tx) {
    if (!store::merchant_exists(tx, merchant_id)) throw core::not_found("merchant " + merchant_id);
    auto key = generate_key(live ? KeyKind::merchant_live : KeyKind::merchant_test);
    out = {store::insert_api_key(tx, merchant_id, live, key.hash, key.last4), key.secret};
    db::audit(tx, cli_entry(merchant_id, "api_key.created", out.key_id), {{"last4", key.last4}});
  });
  return out;
}

void Accounts::revoke_merchant_key(const std::string& key_id) {
  require_uuid(key_id, "key-id");
  pool_.transact_sync([&](db::Tx& tx) {
    auto revoked = store::revoke_api_key(tx, key_id);
    if (!revoked) throw core::not_found("active API key " + key_id);
    db::audit(tx, cli_entry(revoked->merchant_id, "api_key.revoked", key_id), nullptr,
              db::Changes().set("revoked_at", nullptr, revoked->revoked_at));
  });
}

CreatedStaff Accounts::create_staff_key(const std::string& name, const std::string& role) {
  std::vector<core::FieldError> errors;
  if (name.empty() || name.size() > 300) errors.push_back({"name", "must have 1 to 300 characters"});
  if (!is_staff_role(role)) errors.push_back({"role", "must be admin, accountant or support"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  CreatedStaff out;
  pool_.transact_sync([&](db::Tx& tx) {
    out.staff_id = store::insert_staff(tx, name, role);
    auto key = generate_key(KeyKind::staff);
    out.key = {store::insert_staff_key(tx, out.staff_id, key.hash, key.last4), key.secret};
    db::audit(tx, cli_entry({}, "staff_key.created", out.key.key_id),
              {{"staff_id", out.staff_id}, {"name", name}, {"role", role}});
  });
  return out;
}

void Accounts::revoke_staff_key(const std::string& key_id) {
  require_uuid(key_id, "key-id");
  pool_.transact_sync([&](db::Tx& tx) {
    auto revoked = store::revoke_staff_key(tx, key_id);
    if (!revoked) throw core::not_found("active staff key " + key_id);
    db::audit(tx, cli_entry({}, "staff_key.revoked", key_id), nullptr,
              db::Changes().set("revoked_at", nullptr, revoked->revoked_at));
  });
}

}  // namespace skybill::identity
