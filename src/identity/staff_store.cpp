#include "staff_store.hpp"

#include "skybill/identity/permissions.hpp"

#include "skybill/core/time.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::identity::staff_store {
namespace {

#define RFC3339(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

constexpr const char* kColumns =
    "id, name, coalesce(email, '') AS email, role, coalesce(merchant_id::text, '') AS merchant_id, "
    "coalesce(password_hash, '') AS password_hash, disabled_at IS NOT NULL AS disabled, " RFC3339("created_at")
    " AS created_at, " RFC3339("disabled_at") " AS disabled_at, " RFC3339("password_changed_at")
    " AS password_changed_at";

const char* null_if_empty(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }
std::string at(core::TimePoint t) { return core::to_rfc3339(t); }
int window_minutes() { return static_cast<int>(kFailureWindow.count()); }

nlohmann::json text_or_null(const pqxx::field& f) {
  if (f.is_null()) return nullptr;
  auto s = f.as<std::string>();
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

StaffRow row(const pqxx::row& r) {
  StaffRow out;
  out.id = r["id"].as<std::string>();
  out.name = r["name"].as<std::string>();
  out.email = r["email"].as<std::string>();
  out.role = r["role"].as<std::string>();
  out.merchant_id = r["merchant_id"].as<std::string>();
  out.password_hash = r["password_hash"].as<std::string>();
  out.disabled = r["disabled"].as<bool>();
  out.json = {{"id", out.id},
              {"name", out.name},
              {"email", text_or_null(r["email"])},
              {"role", out.role},
              {"merchant_id", text_or_null(r["merchant_id"])},
              {"disabled", out.disabled},
              {"disabled_at", text_or_null(r["disabled_at"])},
              {"password_set", !out.password_hash.empty()},
              {"password_changed_at", text_or_null(r["password_changed_at"])},
              {"created_at", r["created_at"].as<std::string>()}};
  return out;
}

std::optional<core::TimePoint> blocked_until(db::Tx& tx, const std::string& sql, const std::string& key,
                                             core::TimePoint now, int limit) {
  auto rows = tx->exec_params(sql, key, at(now), window_minutes(), limit);
  if (rows.empty()) return std::nullopt;
  return db::as_time(rows[0][0]) + kFailureWindow;
}

}  // namespace

std::optional<StaffRow> by_email(db::Tx& tx, const std::string& email) {
  auto rows = tx->exec_params(std::string("SELECT ") + kColumns + " FROM staff_users WHERE email = $1", email);
  if (rows.empty()) return std::nullopt;
  return row(rows[0]);
}

std::optional<StaffRow> by_id(db::Tx& tx, const std::string& id, bool for_update) {
  auto rows = tx->exec_params(std::string("SELECT ") + kColumns + " FROM staff_users WHERE id = $1::uuid" +
                                  (for_update ? " FOR UPDATE" : ""),
                              id);
  if (rows.empty()) return std::nullopt;
  return row(rows[0]);
}

std::vector<nlohmann::json> all(db::Tx& tx) {
  std::vector<nlohmann::json> out;
  for (const auto& r : tx->exec(std::string("SELECT ") + kColumns + " FROM staff_users ORDER BY created_at, id"))
    out.push_back(row(r).json);
  return out;
}

std::optional<std::string> insert(db::Tx& tx, const StaffInput& in, const std::string& password_hash,
                                  core::TimePoint now) {
  auto rows = tx->exec_params(
      "INSERT INTO staff_users (name, email, role, merchant_id, password_hash, password_changed_at, created_at) "
      "VALUES ($1, $2, $3, $4::uuid, $5, $6::timestamptz, $6::timestamptz) "
      "ON CONFLICT (email) DO NOTHING RETURNING id",
      in.name, in.email, in.role, null_if_empty(in.merchant_id), password_hash, at(now));
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

void set_role(db::Tx& tx, const std::string& id, const std::string& role, const std::string& merchant_id) {
  tx->exec_params("UPDATE staff_users SET role = $2, merchant_id = $3::uuid WHERE id = $1::uuid", id, role,
                  null_if_empty(merchant_id));
}

void set_disabled(db::Tx& tx, const std::string& id, std::optional<core::TimePoint> when) {
  std::string ts = when ? at(*when) : std::string();
  tx->exec_params("UPDATE staff_users SET disabled_at = $2::timestamptz WHERE id = $1::uuid", id,
                  when ? ts.c_str() : nullptr);
}

void set_password(db::Tx& tx, const std::string& id, const std::string& password_hash, core::TimePoint now) {
  tx->exec_params("UPDATE staff_users SET password_hash = $2, password_changed_at = $3::timestamptz WHERE id = $1::uuid",
                  id, password_hash, at(now));
}

void rehash(db::Tx& tx, const std::string& id, const std::string& password_hash) {
  tx->exec_params("UPDATE staff_users SET password_hash = $2 WHERE id = $1::uuid", id, password_hash);
}

std::optional<core::TimePoint> account_blocked_until(db::Tx& tx, const std::string& email, core::TimePoint now) {
  return blocked_until(
      tx,
      "SELECT " + db::epoch_us("at") +
          " FROM sign_in_attempts WHERE email = $1 AND NOT succeeded "
          "AND at > $2::timestamptz - make_interval(mins => $3::int) "
          "AND at > coalesce((SELECT max(at) FROM sign_in_attempts WHERE email = $1 AND succeeded), '-infinity') "
          "ORDER BY at DESC OFFSET $4::int - 1 LIMIT 1",
      email, now, kAccountFailures);
}

std::optional<core::TimePoint> address_blocked_until(db::Tx& tx, const std::string& ip, core::TimePoint now) {
  return blocked_until(tx,
                       "SELECT " + db::epoch_us("at") +
                           " FROM sign_in_attempts WHERE ip = $1 AND NOT succeeded "
                           "AND at > $2::timestamptz - make_interval(mins => $3::int) "
                           "ORDER BY at DESC OFFSET $4::int - 1 LIMIT 1",
                       ip, now, kAddressFailures);
}

void record_attempt(db::Tx& tx, const std::string& email, const std::string& ip, bool succeeded, core::TimePoint now) {
  tx->exec_params("INSERT INTO sign_in_attempts (at, email, ip, succeeded) VALUES ($1::timestamptz, $2, $3, $4)",
                  at(now), email, ip, succeeded);
}

void insert_session(db::Tx& tx, const std::string& id, const std::string& staff_id, core::TimePoint now,
                    core::TimePoint expires_at, const std::string& ip, const std::string& user_agent) {
  tx->exec_params(
      "INSERT INTO staff_sessions (id, staff_id, created_at, last_seen_at, expires_at, ip, user_agent) "
      "VALUES ($1, $2::uuid, $3::timestamptz, $3::timestamptz, $4::timestamptz, $5, $6)",
      id, staff_id, at(now), at(expires_at), ip, user_agent);
}

std::optional<Session> live_session(db::Tx& tx, const std::string& id, core::TimePoint now,
                                    std::chrono::minutes idle) {
  auto rows = tx->exec_params(
      "SELECT s.staff_id, u.role, coalesce(u.merchant_id::text, '') AS merchant_id, " + db::epoch_us("s.last_seen_at") +
          " AS last_seen, " + db::epoch_us("s.expires_at") +
          " AS expires_at FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_id "
          "WHERE s.id = $1 AND s.revoked_at IS NULL AND u.disabled_at IS NULL AND s.expires_at > $2::timestamptz "
          "AND s.last_seen_at + make_interval(mins => $3::int) > $2::timestamptz",
      id, at(now), static_cast<int>(idle.count()));
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  Session out;
  out.principal.kind = http::Principal::Kind::staff;
  out.principal.id = r["staff_id"].as<std::string>();
  out.principal.role = r["role"].as<std::string>();
  out.principal.merchant_id = r["merchant_id"].as<std::string>();
  out.principal.session_id = id;
  out.principal.permissions = permissions_of(out.principal.role);
  out.last_seen = db::as_time(r["last_seen"]);
  out.expires_at = db::as_time(r["expires_at"]);
  return out;
}

void touch_session(db::Tx& tx, const std::string& id, core::TimePoint now) {
  tx->exec_params(
      "UPDATE staff_sessions SET last_seen_at = $2::timestamptz "
      "WHERE id = $1 AND last_seen_at <= $2::timestamptz - interval '1 minute'",
      id, at(now));
}

bool revoke_session(db::Tx& tx, const std::string& id, core::TimePoint now) {
  return !tx->exec_params("UPDATE staff_sessions SET revoked_at = $2::timestamptz WHERE id = $1 AND revoked_at IS NULL "
                          "RETURNING 1",
                          id, at(now))
              .empty();
}

int revoke_sessions(db::Tx& tx, const std::string& staff_id, const std::string& keep, core::TimePoint now) {
  return static_cast<int>(tx->exec_params("UPDATE staff_sessions SET revoked_at = $3::timestamptz "
                                          "WHERE staff_id = $1::uuid AND revoked_at IS NULL AND id <> $2 "
                                          "AND expires_at > $3::timestamptz RETURNING 1",
                                          staff_id, keep, at(now))
                              .size());
}

void purge(db::Tx& tx, core::TimePoint now) {
  tx->exec_params("DELETE FROM sign_in_attempts WHERE at < $1::timestamptz - interval '1 day'", at(now));
  tx->exec_params("DELETE FROM staff_sessions WHERE expires_at < $1::timestamptz - interval '30 days'", at(now));
}

}  // namespace skybill::identity::staff_store
