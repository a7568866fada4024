#include "skybill/identity/staff.hpp"

#include <algorithm>
#include <cctype>

#include "skybill/core/clock.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/identity/model.hpp"
#include "staff_store.hpp"
#include "store.hpp"

namespace skybill::identity {
namespace {

constexpr std::size_t kMinPasswordChars = 12;
constexpr std::size_t kMaxPasswordBytes = 1024;

// The commonest passwords of breach lists that are long enough to pass the length rule, and
// the classic top of those lists (too short anyway: kept so that the rule holds on its own).
constexpr std::string_view kCommonPasswords[] = {
    "123456789012", "1234567890123", "12345678901234", "123456789123", "password1234",
    "password12345", "password123!", "passw0rd1234", "qwertyuiop123", "qwerty123456",
    "1q2w3e4r5t6y", "1q2w3e4r5t6y7u8i", "iloveyou1234", "welcome12345", "letmein12345",
    "abcdefghijkl", "abc123456789", "administrator", "qwertyuiopasdfghjkl", "zaq12wsxcde3",
    "123456", "password", "123456789", "12345678", "qwerty", "111111", "1234567890", "iloveyou",
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// UTF-8 code points as byte strings (a malformed sequence counts byte by byte).
std::vector<std::string_view> code_points(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80 && n < 4) ++n;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

bool is_staff_email(const std::string& email) {
  return is_email_address(email) && email.size() >= 3 &&
         std::none_of(email.begin(), email.end(), [](unsigned char c) { return c < 0x21 || c == 0x7f; });
}

bool is_staff_user_role(std::string_view role) noexcept {
  return std::find(std::begin(kStaffUserRoles), std::end(kStaffUserRoles), role) != std::end(kStaffUserRoles);
}

std::string normalize_email(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) email.remove_prefix(1);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.remove_suffix(1);
  return lower(email);
}

std::vector<std::string> password_problems(std::string_view password, std::string_view email) {
  std::vector<std::string> out;
  auto chars = code_points(password);
  if (chars.size() < kMinPasswordChars) out.push_back("must have at least 12 characters");
  if (password.size() > kMaxPasswordBytes) out.push_back("must have at most 1024 bytes");
  if (!chars.empty() && std::all_of(chars.begin(), chars.end(), [&](std::string_view c) { return c == chars[0]; }))
    out.push_back("must not be one character repeated");
  auto lowered = lower(password);
  if (!email.empty() && lowered == normalize_email(email)) out.push_back("must not be the e-mail address");
  if (std::find(std::begin(kCommonPasswords), std::end(kCommonPasswords), lowered) != std::end(kCommonPasswords))
    out.push_back("is one of the most common passwords");
  return out;
}

StaffInput validate_staff(StaffInput in) {
  std::vector<core::FieldError> errors;
  in.email = normalize_email(in.email);
  if (in.name.empty() || in.name.size() > 300 ||
      std::any_of(in.name.begin(), in.name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    errors.push_back({"name", "must have 1 to 300 characters, none of them a control character"});
  if (!is_staff_email(in.email)) errors.push_back({"email", "must be an e-mail address (local@domain.tld)"});
  if (!is_staff_user_role(in.role)) errors.push_back({"role", "must be admin, accountant, support or airline"});
  if (in.role == "airline" && in.merchant_id.empty())
    errors.push_back({"merchant_id", "is required for airline staff: the airline they work for"});
  else if (in.role != "airline" && !in.merchant_id.empty())
    errors.push_back({"merchant_id", "is only for airline staff; the gateway's staff belong to no airline"});
  else if (!in.merchant_id.empty() && !core::is_uuid(in.merchant_id))
    errors.push_back({"merchant_id", "must be a UUID"});
  for (auto& message : password_problems(in.password, in.email)) errors.push_back({"password", std::move(message)});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return in;
}

StaffInput parse_staff(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "must be a JSON object"}});
  std::vector<core::FieldError> errors;
  StaffInput in;
  auto text = [&](const char* name, std::string& out, bool required) {
    if (!body.contains(name) || (!required && body[name].is_null())) {
      if (required) errors.push_back({name, "is required"});
      return;
    }
    if (!body[name].is_string()) {
      errors.push_back({name, "must be a string"});
      return;
    }
    out = body[name].get<std::string>();
  };
  text("name", in.name, true);
  text("email", in.email, true);
  text("role", in.role, true);
  text("merchant_id", in.merchant_id, false);
  text("password", in.password, true);
  for (const auto& [key, value] : body.items())
    if (key != "name" && key != "email" && key != "role" && key != "merchant_id" && key != "password")
      errors.push_back({key, "is not a field of a staff user"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return validate_staff(std::move(in));
}

// ---- inside a transaction, and the command line --------------------------------------------

nlohmann::json create_staff_in(db::Tx& tx, const StaffInput& in, const std::string& password_hash,
                               core::TimePoint now, db::AuditEntry who) {
  if (!in.merchant_id.empty() && !store::merchant_exists(tx, in.merchant_id))
    throw core::validation_failed({{"merchant_id", "no airline has this id"}});
  auto id = staff_store::insert(tx, in, password_hash, now);
  if (!id) throw core::validation_failed({{"email", "another staff user has this e-mail address"}});
  who.merchant_id = in.merchant_id;
  who.action = "staff.created";
  who.subject = *id;
  auto nullable = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  db::audit(tx, who, nullptr,
            db::Changes()
                .set("name", nullptr, in.name)
                .set("email", nullptr, in.email)
                .set("role", nullptr, in.role)
                .set("merchant_id", nullptr, nullable(in.merchant_id)));
  return staff_store::by_id(tx, *id)->json;
}

int disable_staff_in(db::Tx& tx, const staff_store::StaffRow& user, core::TimePoint now, db::AuditEntry who) {
  staff_store::set_disabled(tx, user.id, now);
  int revoked = staff_store::revoke_sessions(tx, user.id, {}, now);
  who.merchant_id = user.merchant_id;
  who.action = "staff.disabled";
  who.subject = user.id;
  db::audit(tx, who, {{"sessions_revoked", revoked}}, db::Changes().set("disabled", false, true));
  return revoked;
}

nlohmann::json create_staff_user(db::Pool& pool, const core::Clock& clock, const StaffInput& raw,
                                 int password_iterations) {
  auto in = validate_staff(raw);
  auto hash = crypto::hash_password(in.password, password_iterations);
  nlohmann::json out;
  pool.transact_sync([&](db::Tx& tx) {
    out = create_staff_in(tx, in, hash, clock.now(), db::AuditEntry{"cli", {}, {}, {}, {}});
  });
  return out;
}

nlohmann::json disable_staff_user(db::Pool& pool, const core::Clock& clock, const std::string& email) {
  auto normalized = normalize_email(email);
  nlohmann::json out;
  pool.transact_sync([&](db::Tx& tx) {
    auto user = staff_store::by_email(tx, normalized);
    if (!user) throw core::not_found("staff user " + normalized);
    int revoked = 0;
    if (!user->disabled) revoked = disable_staff_in(tx, *user, clock.now(), db::AuditEntry{"cli", {}, {}, {}, {}});
    out = {{"staff", staff_store::by_id(tx, user->id)->json}, {"sessions_revoked", revoked}};
  });
  return out;
}

}  // namespace skybill::identity
