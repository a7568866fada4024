#include "store.hpp"

#include "skybill/identity/permissions.hpp"

#include "skybill/db/tx.hpp"

namespace skybill::identity::store {
namespace {

// RFC 3339 in UTC, as every timestamp leaves the API.
#define RFC3339(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

const char* null_if_empty(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

nlohmann::json merchant_row(const pqxx::row& r) {
  return {{"id", r["id"].as<std::string>()},
          {"name", r["name"].as<std::string>()},
          {"inn", r["inn"].as<std::string>()},
          {"kpp", r["kpp"].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r["kpp"].as<std::string>())},
          {"timezone", r["timezone"].as<std::string>()},
          {"contact_email",
           r["contact_email"].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r["contact_email"].as<std::string>())},
          {"invoice_prefix", r["invoice_prefix"].as<std::string>()},
          {"invoice_series", nlohmann::json::parse(r["invoice_series"].as<std::string>())},
          {"settings", nlohmann::json::parse(r["settings"].as<std::string>())},
          {"created_at", r["created_at"].as<std::string>()}};
}

}  // namespace

nlohmann::json client_row(const pqxx::row& r) {
  auto kpp = r["kpp"].as<std::string>();
  return {{"id", r["id"].as<std::string>()},
          {"inn", r["inn"].as<std::string>()},
          {"kpp", kpp.empty() ? nlohmann::json(nullptr) : nlohmann::json(kpp)},
          {"name", r["name"].as<std::string>()},
          {"created_at", r["created_at"].as<std::string>()}};
}

namespace {

constexpr const char* kMerchantColumns =
    "id, name, inn, kpp, timezone, contact_email, invoice_prefix, settings::text AS settings, "
    "(SELECT coalesce(json_agg(s.prefix ORDER BY s.created_at, s.prefix), '[]') FROM invoice_series s "
    " WHERE s.merchant_id = merchants.id)::text AS invoice_series, " RFC3339("created_at") " AS created_at";
constexpr const char* kClientColumns =
    "c.id, c.inn, c.kpp, c.name, " RFC3339("c.created_at") " AS created_at";

}  // namespace

std::string insert_merchant(db::Tx& tx, const MerchantInput& in) {
  auto id = tx->exec_params1("INSERT INTO merchants (name, inn, kpp, timezone, contact_email, invoice_prefix) "
                             "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                             in.name, in.inn, null_if_empty(in.kpp), in.timezone, null_if_empty(in.contact_email),
                             in.invoice_prefix)[0]
                .as<std::string>();
  add_series(tx, in.invoice_prefix, id);
  return id;
}

void lock_invoice_series(db::Tx& tx) { tx->exec("SELECT pg_advisory_xact_lock(hashtext('skybill.invoice_series'))"); }

Series series_owner(db::Tx& tx, const std::string& prefix) {
  auto rows = tx->exec_params("SELECT merchant_id FROM invoice_series WHERE prefix = $1", prefix);
  if (rows.empty()) return {};
  if (rows[0][0].is_null()) return {SeriesOwner::reserved, {}};
  return {SeriesOwner::merchant, rows[0][0].as<std::string>()};
}

void add_series(db::Tx& tx, const std::string& prefix, const std::string& merchant_id) {
  tx->exec_params("INSERT INTO invoice_series (prefix, merchant_id) VALUES ($1, $2::uuid)", prefix, merchant_id);
}

bool merchant_exists(db::Tx& tx, const std::string& merchant_id) {
  return !tx->exec_params("SELECT 1 FROM merchants WHERE id = $1::uuid", merchant_id).empty();
}

std::optional<nlohmann::json> lock_merchant(db::Tx& tx, const std::string& merchant_id) {
  auto rows = tx->exec_params(
      "SELECT name, timezone, contact_email, invoice_prefix FROM merchants WHERE id = $1::uuid FOR UPDATE", merchant_id);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return nlohmann::json{
      {"name", r["name"].as<std::string>()},
      {"timezone", r["timezone"].as<std::string>()},
      {"contact_email",
       r["contact_email"].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r["contact_email"].as<std::string>())},
      {"invoice_prefix", r["invoice_prefix"].as<std::string>()}};
}

void update_merchant(db::Tx& tx, const std::string& merchant_id, const nlohmann::json& after) {
  const auto& email = after["contact_email"];
  auto email_text = email.is_null() ? std::string() : email.get<std::string>();
  tx->exec_params("UPDATE merchants SET name = $2, timezone = $3, contact_email = $4, invoice_prefix = $5 "
                  "WHERE id = $1::uuid",
                  merchant_id, after["name"].get<std::string>(), after["timezone"].get<std::string>(),
                  email.is_null() ? nullptr : email_text.c_str(), after["invoice_prefix"].get<std::string>());
}

std::optional<nlohmann::json> merchant_json(db::Tx& tx, const std::string& merchant_id) {
  auto rows = tx->exec_params(std::string("SELECT ") + kMerchantColumns + " FROM merchants WHERE id = $1::uuid",
                              merchant_id);
  if (rows.empty()) return std::nullopt;
  return merchant_row(rows[0]);
}

std::vector<nlohmann::json> all_merchants(db::Tx& tx) {
  std::vector<nlohmann::json> out;
  for (const auto& r : tx->exec(std::string("SELECT ") + kMerchantColumns + " FROM merchants ORDER BY created_at, id"))
    out.push_back(merchant_row(r));
  return out;
}

std::string insert_api_key(db::Tx& tx, const std::string& merchant_id, bool live, const std::string& hash,
                           const std::string& last4) {
  return tx->exec_params1(
               "INSERT INTO api_keys (merchant_id, mode, key_hash, last4) VALUES ($1::uuid, $2, $3, $4) RETURNING id",
               merchant_id, live ? "live" : "test", hash, last4)[0]
      .as<std::string>();
}

std::optional<RevokedKey> revoke_api_key(db::Tx& tx, const std::string& key_id) {
  auto rows = tx->exec_params("UPDATE api_keys SET revoked_at = now() WHERE id = $1::uuid AND revoked_at IS NULL "
                              "RETURNING merchant_id, " RFC3339("revoked_at"),
                              key_id);
  if (rows.empty()) return std::nullopt;
  return RevokedKey{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
}

std::string insert_staff(db::Tx& tx, const std::string& name, const std::string& role) {
  return tx->exec_params1("INSERT INTO staff_users (name, role) VALUES ($1, $2) RETURNING id", name, role)[0]
      .as<std::string>();
}

std::string insert_staff_key(db::Tx& tx, const std::string& staff_id, const std::string& hash,
                             const std::string& last4) {
  return tx->exec_params1("INSERT INTO staff_keys (staff_id, key_hash, last4) VALUES ($1::uuid, $2, $3) RETURNING id",
                          staff_id, hash, last4)[0]
      .as<std::string>();
}

std::optional<RevokedKey> revoke_staff_key(db::Tx& tx, const std::string& key_id) {
  auto rows = tx->exec_params("UPDATE staff_keys SET revoked_at = now() WHERE id = $1::uuid AND revoked_at IS NULL "
                              "RETURNING " RFC3339("revoked_at"),
                              key_id);
  if (rows.empty()) return std::nullopt;
  return RevokedKey{{}, rows[0][0].as<std::string>()};
}

std::optional<http::Principal> find_merchant_key(db::Tx& tx, const std::string& hash) {
  auto rows = tx->exec_params("SELECT id, merchant_id, mode FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL", hash);
  if (rows.empty()) return std::nullopt;
  http::Principal p;
  p.kind = http::Principal::Kind::merchant;
  p.key_id = rows[0]["id"].as<std::string>();
  p.id = rows[0]["merchant_id"].as<std::string>();
  p.live = rows[0]["mode"].as<std::string>() == "live";
  return p;
}

std::optional<http::Principal> find_staff_key(db::Tx& tx, const std::string& hash) {
  auto rows = tx->exec_params(
      "SELECT k.id, k.staff_id, s.role, coalesce(s.merchant_id::text, '') AS merchant_id "
      "FROM staff_keys k JOIN staff_users s ON s.id = k.staff_id "
      "WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND s.disabled_at IS NULL",
      hash);
  if (rows.empty()) return std::nullopt;
  http::Principal p;
  p.kind = http::Principal::Kind::staff;
  p.key_id = rows[0]["id"].as<std::string>();
  p.id = rows[0]["staff_id"].as<std::string>();
  p.role = rows[0]["role"].as<std::string>();
  p.merchant_id = rows[0]["merchant_id"].as<std::string>();
  p.permissions = permissions_of(p.role);
  return p;
}

}  // namespace skybill::identity::store

namespace skybill::identity {

using store::client_row;
using store::kClientColumns;

LinkedClient link_client(db::Tx& tx, const std::string& merchant_id, const ClientInput& in) {
  // A concurrent insert of the same entity makes this wait for it and then do nothing.
  auto inserted = tx->exec_params(
      "INSERT INTO clients (inn, kpp, name) VALUES ($1, $2, $3) ON CONFLICT (inn, kpp) WHERE kind = 'company' DO NOTHING RETURNING id",
      in.inn, in.kpp, in.name);
  bool created = !inserted.empty();
  auto id = created ? inserted[0][0].as<std::string>()
                    : tx->exec_params1("SELECT id FROM clients WHERE inn = $1 AND kpp = $2", in.inn, in.kpp)[0]
                          .as<std::string>();
  bool linked = !tx->exec_params(
                       "INSERT INTO merchant_clients (merchant_id, client_id) VALUES ($1::uuid, $2::uuid) "
                       "ON CONFLICT DO NOTHING RETURNING 1",
                       merchant_id, id)
                     .empty();
  auto client = client_row(tx->exec_params1(std::string("SELECT ") + kClientColumns + " FROM clients c WHERE c.id = $1::uuid", id));
  return {client, created, linked};
}

std::optional<nlohmann::json> find_linked_client(db::Tx& tx, const std::string& merchant_id,
                                                 const std::string& client_id) {
  auto rows = tx->exec_params(std::string("SELECT ") + kClientColumns +
                                  " FROM clients c JOIN merchant_clients mc ON mc.client_id = c.id "
                                  "WHERE mc.merchant_id = $1::uuid AND c.id = $2::uuid",
                              merchant_id, client_id);
  if (rows.empty()) return std::nullopt;
  return client_row(rows[0]);
}

nlohmann::json merchant_settings(db::Tx& tx, const std::string& merchant_id) {
  auto rows = tx->exec_params("SELECT settings::text FROM merchants WHERE id = $1::uuid", merchant_id);
  return rows.empty() ? nlohmann::json::object() : nlohmann::json::parse(rows[0][0].as<std::string>());
}

}  // namespace skybill::identity

namespace skybill::identity::store {

std::vector<nlohmann::json> linked_clients(db::Tx& tx, const std::string& merchant_id, const ClientFilter& f) {
  auto rows = tx->exec_params(std::string("SELECT ") + kClientColumns +
                                  " FROM clients c JOIN merchant_clients mc ON mc.client_id = c.id "
                                  "WHERE mc.merchant_id = $1::uuid AND ($2::text IS NULL OR c.inn = $2) "
                                  "AND ($3::text IS NULL OR c.kpp = $3) AND ($4::uuid IS NULL OR c.id > $4::uuid) "
                                  "ORDER BY c.id LIMIT $5",
                              merchant_id, f.inn ? f.inn->c_str() : nullptr, f.kpp ? f.kpp->c_str() : nullptr,
                              f.after_id ? f.after_id->c_str() : nullptr, f.limit);
  std::vector<nlohmann::json> out;
  for (const auto& r : rows) out.push_back(client_row(r));
  return out;
}

}  // namespace skybill::identity::store
