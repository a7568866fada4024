#pragma once
// Staff users who sign in with e-mail and password: the rules their fields follow, and the
// use cases behind the command line. The HTTP side (sessions, CSRF, rate limits) is in routes.hpp.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "skybill/core/problem.hpp"
#include "skybill/crypto/password.hpp"

namespace skybill::db { class Pool; }
namespace skybill::core { class Clock; }

namespace skybill::identity {

// admin, accountant, support: the gateway's own staff, who see every airline; airline: an
// airline's operator, scoped to its merchant_id (see http::Access::any_staff).
inline constexpr std::string_view kStaffUserRoles[] = {"admin", "accountant", "support", "airline"};
bool is_staff_user_role(std::string_view role) noexcept;

struct StaffSettings {
  int password_iterations = crypto::kPasswordIterations;  // staff.password_iterations
  std::chrono::minutes session_idle{30};                   // staff.session_idle_minutes
  std::chrono::hours session_max{12};                      // staff.session_max_hours
  bool secure_cookie = false;                              // http.public_url is https://
};

// Sign-in limits: failures within the window, per e-mail (counted since its last success) and
// per client address; one more attempt is 429 with Retry-After.
inline constexpr int kAccountFailures = 5;
inline constexpr int kAddressFailures = 20;
inline constexpr std::chrono::minutes kFailureWindow{15};

// Trimmed and lower-cased (ASCII): how e-mails are stored and compared.
std::string normalize_email(std::string_view email);
// A normalised e-mail a staff user may have: local@domain.tld, 3 to 254 bytes, no spaces or
// control characters.
bool is_staff_email(const std::string& email);
// What is wrong with `password` for the user with `email`, one message per broken rule (empty
// when none): at least 12 characters (code points), at most 1024 bytes, not one character
// repeated, not the e-mail itself, not one of the commonest passwords.
std::vector<std::string> password_problems(std::string_view password, std::string_view email);

struct StaffInput {
  std::string name, email, role, merchant_id, password;
};
// Validates and normalises; throws 422 validation-failed naming every bad field (merchant_id:
// required for role airline, refused for the others). Does not look at the database.
StaffInput validate_staff(StaffInput in);
// {name, email, role, merchant_id?, password}; unknown members are 422 too.
StaffInput parse_staff(const nlohmann::json& body);

// The command line's use cases (actor "cli"), each one transaction with its audit row.
// Creates a user who signs in with a password; 422 when the e-mail is taken or the airline
// unknown. Returns the user as the API shows it.
nlohmann::json create_staff_user(db::Pool& pool, const core::Clock& clock, const StaffInput& in,
                                 int password_iterations);
// Disables the user and revokes its sessions; 404 when no user has the e-mail.
nlohmann::json disable_staff_user(db::Pool& pool, const core::Clock& clock, const std::string& email);

}  // namespace skybill::identity
