// The pure part of the ledger: what makes an entry acceptable. No I/O here.
#include <array>
#include <map>
#include <string>

#include "skybill/core/problem.hpp"
#include "skybill/ledger/ledger.hpp"

namespace skybill::ledger {
namespace {

[[noreturn]] void reject(std::string detail) {
  throw core::Problem(422, "unbalanced-entry", "Invalid ledger entry", std::move(detail));
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// 8-4-4-4-12 hexadecimal digits: what PostgreSQL's uuid type takes in its canonical form.
bool looks_like_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

// Which kinds of account each owner has (the database checks the same).
bool owner_has(Owner owner, Kind kind) {
  switch (owner) {
    case Owner::client:
      return kind == Kind::receivable || kind == Kind::credit_receivable || kind == Kind::deposit;
    case Owner::merchant:
      return kind == Kind::payable;
    case Owner::gateway:
      return kind == Kind::bank || kind == Kind::unallocated || kind == Kind::fees || kind == Kind::outgoing;
  }
  return false;
}

std::string name(const AccountRef& a) {
  std::string out = std::string(to_string(a.owner));
  if (!a.owner_id.empty()) out += " " + a.owner_id;
  return out + " " + to_string(a.kind) + " " + a.currency;
}

constexpr std::array<std::pair<Owner, const char*>, 3> kOwners{
    {{Owner::client, "client"}, {Owner::merchant, "merchant"}, {Owner::gateway, "gateway"}}};
constexpr std::array<std::pair<Kind, const char*>, 8> kKinds{{{Kind::receivable, "receivable"},
                                                              {Kind::credit_receivable, "credit_receivable"},
                                                              {Kind::deposit, "deposit"},
                                                              {Kind::payable, "payable"},
                                                              {Kind::bank, "bank"},
                                                              {Kind::unallocated, "unallocated"},
                                                              {Kind::fees, "fees"},
                                                              {Kind::outgoing, "outgoing"}}};

}  // namespace

const char* to_string(Owner owner) noexcept {
  for (const auto& [o, n] : kOwners)
    if (o == owner) return n;
  return "?";
}

const char* to_string(Kind kind) noexcept {
  for (const auto& [k, n] : kKinds)
    if (k == kind) return n;
  return "?";
}

std::optional<Owner> parse_owner(std::string_view text) noexcept {
  for (const auto& [o, n] : kOwners)
    if (text == n) return o;
  return std::nullopt;
}

std::optional<Kind> parse_kind(std::string_view text) noexcept {
  for (const auto& [k, n] : kKinds)
    if (text == n) return k;
  return std::nullopt;
}

void check_balanced(const Entry& e) {
  if (e.kind.empty() || e.kind.size() > 100) reject("the entry kind must have 1 to 100 characters");
  if (e.postings.size() < 2)
    reject("an entry needs at least two postings, this one has " + std::to_string(e.postings.size()));

  // Debits and credits are summed apart, so that the result does not depend on the order of
  // the postings; either sum overflowing means the entry moves more than int64 can hold.
  struct Sums {
    std::int64_t debits = 0, credits = 0;
  };
  std::map<std::string, Sums> by_currency;
  for (std::size_t i = 0; i < e.postings.size(); ++i) {
    const auto& p = e.postings[i];
    const auto where = "posting " + std::to_string(i + 1) + " (" + name(p.account) + ")";
    if (!owner_has(p.account.owner, p.account.kind))
      reject(where + ": a " + to_string(p.account.owner) + " has no " + to_string(p.account.kind) + " account");
    if (p.account.owner == Owner::gateway ? !p.account.owner_id.empty() : !looks_like_uuid(p.account.owner_id))
      reject(where + (p.account.owner == Owner::gateway ? ": the gateway's accounts have no owner id"
                                                         : ": the owner id must be a UUID"));
    if (!core::find_currency(p.account.currency))
      reject(where + ": \"" + p.account.currency + "\" is not an ISO 4217 currency code");
    if (p.amount_minor == 0) reject(where + ": the amount is zero");
    auto& sums = by_currency[p.account.currency];
    auto& side = p.amount_minor > 0 ? sums.debits : sums.credits;
    if (__builtin_add_overflow(side, p.amount_minor, &side))
      reject("the " + p.account.currency + " " + (p.amount_minor > 0 ? "debits" : "credits") +
             " overflow a 64-bit amount");
  }
  for (const auto& [code, sums] : by_currency) {
    // Opposite signs: this sum cannot overflow.
    const std::int64_t total = sums.debits + sums.credits;
    if (total != 0) {
      const auto& cur = *core::find_currency(code);
      reject("the " + code + " postings sum to " + core::Money(total, cur).to_string() + " " + code +
             " instead of zero (debits " + core::Money(sums.debits, cur).to_string() + ", credits " +
             core::Money(sums.credits, cur).to_string() + ")");
    }
  }
}

}  // namespace skybill::ledger
