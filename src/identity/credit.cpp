// Credit lines and deposits of corporate clients: staff use cases over the ledger.
//
// The few statements on clients and credit_lines live here rather than in store.cpp, which
// another change is editing at the same time; they may move there later. Ledger tables are
// touched only through skybill/ledger/ledger.hpp.
#include "skybill/identity/credit.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/ledger/ledger.hpp"

namespace skybill::identity {
namespace {

constexpr int kMaxDeferralDays = 365;

const char* null_if_empty(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

void check_client_ref(const ClientRef& c, std::vector<core::FieldError>& errors) {
  if (!core::is_valid_inn(c.inn))
    errors.push_back({"inn", "must be a valid INN: 10 digits (organisation) or 12 (person), control digits checked"});
  if (!c.kpp.empty() && !core::is_valid_kpp(c.kpp))
    errors.push_back({"kpp", "must be 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits"});
}

const core::Currency* check_currency(const std::string& code, std::vector<core::FieldError>& errors) {
  const core::Currency* cur = core::find_currency(code);
  if (!cur) errors.push_back({"currency", "must be an ISO 4217 code in capitals, such as RUB"});
  return cur;
}

// Strict decimal in the currency's exponent; nullopt (and an error) otherwise.
std::optional<core::Money> check_amount(const std::string& field, const std::string& text, const core::Currency* cur,
                                        bool zero_allowed, std::vector<core::FieldError>& errors) {
  if (!cur) return std::nullopt;  // the currency is already reported
  try {
    auto m = core::Money::parse(text, *cur);
    if (m.is_negative() || (!zero_allowed && m.is_zero())) {
      errors.push_back({field, zero_allowed ? "must not be negative" : "must be positive"});
      return std::nullopt;
    }
    return m;
  } catch (const core::MoneyError& e) {
    errors.push_back({field, e.message});
    return std::nullopt;
  }
}

void throw_if(std::vector<core::FieldError>& errors) {
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
}

ClientSummary find_client(db::Tx& tx, const ClientRef& ref) {
  auto rows = tx->exec_params(
      "SELECT id, inn, kpp, name FROM clients WHERE inn = $1 AND ($2::text IS NULL OR kpp = $2) ORDER BY kpp LIMIT 6",
      ref.inn, null_if_empty(ref.kpp));
  if (rows.empty())
    throw core::not_found("client with INN " + ref.inn + (ref.kpp.empty() ? "" : " and KPP " + ref.kpp));
  if (rows.size() > 1) {
    std::string kpps;
    for (const auto& r : rows) kpps += (kpps.empty() ? "" : ", ") + r[2].as<std::string>();
    throw core::validation_failed(
        {{"kpp", "is required: several clients have INN " + ref.inn + " (KPP " + kpps + ")"}});
  }
  const auto& r = rows[0];
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>()};
}

ledger::AccountRef client_account(const std::string& client_id, ledger::Kind kind, const std::string& currency) {
  return {ledger::Owner::client, client_id, kind, currency};
}

CreditLine make_line(std::int64_t limit, std::int64_t used, int deferral_days, bool approved,
                     const core::Currency& cur) {
  const std::int64_t available = approved && limit > used ? limit - used : 0;
  return {core::Money(limit, cur), core::Money(used, cur), core::Money(available, cur), deferral_days, approved};
}

db::AuditEntry audit_entry(const std::string& actor, std::string action, std::string subject,
                           std::string request_id = {}) {
  return db::AuditEntry{actor, {}, std::move(action), std::move(subject), std::move(request_id)};
}

ClientSummary client_by_id(db::Tx& tx, const std::string& id) {
  if (!core::is_uuid(id)) throw core::not_found("client " + id);
  auto rows = tx->exec_params("SELECT id, inn, kpp, name FROM clients WHERE id = $1::uuid", id);
  if (rows.empty()) throw core::not_found("client " + id);
  const auto& r = rows[0];
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>()};
}

// Crockford's alphabet: no I, L, O or U, so that nothing is misread when typed from paper.
std::string new_deposit_reference() {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  auto hex = crypto::random_hex(8);
  std::string out = "DEP-";
  for (std::size_t i = 0; i < 8; ++i) out += kAlphabet[std::stoi(hex.substr(2 * i, 2), nullptr, 16) % 32];
  return out;
}

nlohmann::json client_json(const ClientSummary& c) {
  return {{"id", c.id}, {"inn", c.inn}, {"kpp", c.kpp}, {"name", c.name}};
}

// The changes themselves, in the caller's transaction, once the input is checked.
CreditLineSet set_line_in(db::Tx& tx, const ClientSummary& c, const std::string& currency, const core::Currency& cur_ref,
                          const core::Money& amount_ref, int deferral_days, bool approved, const std::string& actor,
                          const std::string& request_id);
DepositAdded deposit_in(db::Tx& tx, const ClientSummary& c, const std::string& currency, const core::Currency& cur_ref,
                        const core::Money& money_ref, const std::string& actor, const std::string& request_id);

}  // namespace

CreditLineSet Credit::set_credit_line(const ClientRef& client, const std::string& currency, const std::string& limit,
                                   int deferral_days, bool approved) {
  std::vector<core::FieldError> errors;
  check_client_ref(client, errors);
  const auto* cur = check_currency(currency, errors);
  auto amount = check_amount("limit", limit, cur, true, errors);
  if (deferral_days < 0 || deferral_days > kMaxDeferralDays)
    errors.push_back({"deferral_days", "must be a whole number of days from 0 to 365"});
  throw_if(errors);

  std::optional<CreditLineSet> out;
  pool_.transact_sync([&](db::Tx& tx) { out = set_line_in(tx, find_client(tx, client), currency, *cur, *amount, deferral_days, approved, actor_, {}); });
  return *out;
}

CreditLineSet Credit::set_credit_line(db::Tx& tx, const std::string& client_id, const std::string& currency,
                                      const std::string& limit, int deferral_days, bool approved,
                                      const std::string& request_id) {
  std::vector<core::FieldError> errors;
  const auto* cur = check_currency(currency, errors);
  auto amount = check_amount("limit", limit, cur, true, errors);
  if (deferral_days < 0 || deferral_days > kMaxDeferralDays)
    errors.push_back({"deferral_days", "must be a whole number of days from 0 to 365"});
  throw_if(errors);
  return set_line_in(tx, client_by_id(tx, client_id), currency, *cur, *amount, deferral_days, approved, actor_, request_id);
}

namespace {
CreditLineSet set_line_in(db::Tx& tx, const ClientSummary& c, const std::string& currency, const core::Currency& cur_ref,
                          const core::Money& amount_ref, int deferral_days, bool approved, const std::string& actor,
                          const std::string& request_id) {
    const auto* cur = &cur_ref;
    const auto* amount = &amount_ref;
    std::optional<CreditLineSet> out;
    // The lock invoicing takes before it spends a client's funds (src/invoicing/funds.cpp):
    // a spend sees either the old terms or the new ones, never a limit lowered under it.
    tx->exec_params("SELECT pg_advisory_xact_lock(hashtext('client-funds:' || $1))", c.id);
    auto before = tx->exec_params(
        "SELECT limit_minor, deferral_days, approved FROM credit_lines WHERE client_id = $1::uuid AND currency = $2",
        c.id, currency);
    tx->exec_params(
        "INSERT INTO credit_lines (client_id, currency, limit_minor, deferral_days, approved) "
        "VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT (client_id, currency) DO UPDATE SET "
        "limit_minor = excluded.limit_minor, deferral_days = excluded.deferral_days, "
        "approved = excluded.approved, updated_at = now()",
        c.id, currency, amount->minor(), deferral_days, approved);
    auto used = ledger::balance(tx, client_account(c.id, ledger::Kind::credit_receivable, currency));
    out = CreditLineSet{c, make_line(amount->minor(), used, deferral_days, approved, *cur)};
    nlohmann::json previous = nullptr;
    if (!before.empty())
      previous = {{"limit", core::Money(before[0][0].as<std::int64_t>(), *cur).to_string()},
                  {"deferral_days", before[0][1].as<int>()},
                  {"approved", before[0][2].as<bool>()}};
    auto was = [&](const char* field) { return previous.is_null() ? nlohmann::json(nullptr) : previous[field]; };
    db::audit(tx, audit_entry(actor, "credit_line.set", c.id, request_id),
              {{"client", client_json(c)},
               {"currency", currency},
               {"limit", amount->to_string()},
               {"deferral_days", deferral_days},
               {"approved", approved},
               {"previous", previous}},
              db::Changes()
                  .set("limit", was("limit"), amount->to_string())
                  .set("deferral_days", was("deferral_days"), deferral_days)
                  .set("approved", was("approved"), approved));
  return *out;
}
}  // namespace

DepositAdded Credit::add_deposit(const ClientRef& client, const std::string& currency, const std::string& amount) {
  std::vector<core::FieldError> errors;
  check_client_ref(client, errors);
  const auto* cur = check_currency(currency, errors);
  auto money = check_amount("amount", amount, cur, false, errors);
  throw_if(errors);

  std::optional<DepositAdded> out;
  pool_.transact_sync([&](db::Tx& tx) { out = deposit_in(tx, find_client(tx, client), currency, *cur, *money, actor_, {}); });
  return *out;
}

DepositAdded Credit::add_deposit(db::Tx& tx, const std::string& client_id, const std::string& currency,
                                 const std::string& amount, const std::string& request_id) {
  std::vector<core::FieldError> errors;
  const auto* cur = check_currency(currency, errors);
  auto money = check_amount("amount", amount, cur, false, errors);
  throw_if(errors);
  return deposit_in(tx, client_by_id(tx, client_id), currency, *cur, *money, actor_, request_id);
}

namespace {
DepositAdded deposit_in(db::Tx& tx, const ClientSummary& c, const std::string& currency, const core::Currency& cur_ref,
                        const core::Money& money_ref, const std::string& actor, const std::string& request_id) {
    const auto* cur = &cur_ref;
    const auto* money = &money_ref;
    std::optional<DepositAdded> out;
    const auto deposit = client_account(c.id, ledger::Kind::deposit, currency);
    // The money arrived at the gateway's bank (debit); the gateway now owes it to the client
    // (credit of the client's deposit, a liability).
    ledger::Entry entry{"deposit.top_up", c.id, "manual deposit top-up by " + actor,
                        {{{ledger::Owner::gateway, {}, ledger::Kind::bank, currency}, money->minor()},
                         {deposit, -money->minor()}}};
    auto entry_id = ledger::post(tx, entry);
    auto balance = -ledger::balance(tx, deposit);
    out = DepositAdded{c, entry_id, *money, core::Money(balance, *cur)};
    db::audit(tx, audit_entry(actor, "deposit.added", c.id, request_id),
              {{"client", client_json(c)},
               {"currency", currency},
               {"amount", money->to_string()},
               {"entry_id", entry_id},
               {"balance", out->balance.to_string()}},
              db::Changes().set("balance", core::Money(balance - money->minor(), *cur).to_string(),
                                out->balance.to_string()));
  return *out;
}
}  // namespace

ClientBalances Credit::client_balances(const ClientRef& client) {
  std::vector<core::FieldError> errors;
  check_client_ref(client, errors);
  throw_if(errors);

  ClientBalances out;
  pool_.transact_sync([&](db::Tx& tx) { out = client_balances(tx, find_client(tx, client).id); });
  return out;
}

ClientBalances Credit::client_balances(db::Tx& tx, const std::string& client_id) {
    ClientBalances out;
    out.client = client_by_id(tx, client_id);
    out.deposit_reference = tx->exec_params1("UPDATE clients SET deposit_reference = COALESCE(deposit_reference, $2) "
                                             "WHERE id = $1::uuid RETURNING deposit_reference",
                                             out.client.id, new_deposit_reference())[0]
                                .as<std::string>();
    struct Row {
      std::optional<CreditLine> line;
      std::int64_t deposit = 0, used = 0;
      bool any = false;
    };
    std::map<std::string, Row> by_currency;
    for (const auto& a : ledger::balances(tx, ledger::Owner::client, out.client.id)) {
      auto& row = by_currency[a.account.currency];
      if (a.account.kind == ledger::Kind::deposit) row.deposit = -a.balance_minor, row.any = true;
      if (a.account.kind == ledger::Kind::credit_receivable) row.used = a.balance_minor, row.any = true;
    }
    for (const auto& r : tx->exec_params(
             "SELECT currency, limit_minor, deferral_days, approved FROM credit_lines WHERE client_id = $1::uuid",
             out.client.id)) {
      auto code = r[0].as<std::string>();
      auto& row = by_currency[code];
      row.any = true;
      row.line = make_line(r[1].as<std::int64_t>(), row.used, r[2].as<int>(), r[3].as<bool>(), core::currency(code));
    }
    for (auto& [code, row] : by_currency) {
      if (!row.any) continue;
      const auto& cur = core::currency(code);
      // Credit used without a line set (nothing in this code does that): shown as a zero line.
      if (!row.line && row.used != 0) row.line = make_line(0, row.used, 0, false, cur);
      out.currencies.push_back({code, row.line, core::Money(row.deposit, cur)});
    }
  return out;
}

}  // namespace skybill::identity
