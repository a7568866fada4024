// SQL of the ledger: accounts made on first use, entries with their postings, balances and the
// book's check. Everything runs in the caller's transaction.
#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>
#include <tuple>

#include "skybill/db/tx.hpp"
#include "skybill/ledger/ledger.hpp"

namespace skybill::ledger {
namespace {

// The account's identity as the unique index ledger_accounts_identity sees it (so that the
// index serves the lookup); $1..$4 are owner, owner_id (NULL for the gateway), kind, currency.
std::string same_account(const std::string& alias) {
  const auto a = alias.empty() ? std::string() : alias + ".";
  return a + "owner = $1 AND coalesce(" + a +
         "owner_id, '00000000-0000-0000-0000-000000000000'::uuid) = "
         "coalesce($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid) AND " +
         a + "kind = $3 AND " + a + "currency = $4";
}

const char* null_if_empty(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

pqxx::result exec_on(db::Tx& tx, const std::string& sql, const AccountRef& a) {
  return tx->exec_params(sql, to_string(a.owner), null_if_empty(a.owner_id), to_string(a.kind), a.currency);
}

std::optional<std::int64_t> find_account(db::Tx& tx, const AccountRef& a) {
  auto r = exec_on(tx, "SELECT id FROM ledger_accounts WHERE " + same_account(""), a);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::int64_t>();
}

// Get-or-create. Under READ COMMITTED (the pool's level) a concurrent creator of the same
// account makes our INSERT wait for its commit, then do nothing; the second SELECT, a new
// statement with a new snapshot, sees its row.
std::int64_t account_id(db::Tx& tx, const AccountRef& a) {
  if (auto id = find_account(tx, a)) return *id;
  auto r = exec_on(tx,
                   "INSERT INTO ledger_accounts (owner, owner_id, kind, currency) "
                   "VALUES ($1, $2::uuid, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
                   a);
  if (!r.empty()) return r[0][0].as<std::int64_t>();
  if (auto id = find_account(tx, a)) return *id;
  throw std::logic_error("ledger account vanished after a conflicting insert");
}

auto key(const AccountRef& a) { return std::tie(a.owner, a.owner_id, a.kind, a.currency); }

// "1.00 RUB" when the sum fits int64 and the currency is known, else "<n> minor units of XXX".
std::string amount_text(const std::string& sum, const std::string& currency) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(sum.data(), sum.data() + sum.size(), v);
  const core::Currency* cur = core::find_currency(currency);
  if (ec != std::errc() || end != sum.data() + sum.size() || !cur) return sum + " minor units of " + currency;
  return core::Money(v, *cur).to_string() + " " + currency;
}

}  // namespace

std::string post(db::Tx& tx, const Entry& e) {
  check_balanced(e);

  // Accounts are made in one fixed order, so that two transactions making the same new
  // accounts cannot each hold one the other waits for. Posting itself takes no lock that
  // conflicts: the foreign key's FOR KEY SHARE on an account does not block other postings.
  std::vector<const AccountRef*> refs;
  for (const auto& p : e.postings) refs.push_back(&p.account);
  std::sort(refs.begin(), refs.end(), [](auto* a, auto* b) { return key(*a) < key(*b); });
  std::map<std::tuple<Owner, std::string, Kind, std::string>, std::int64_t> ids;
  for (const auto* r : refs) {
    auto k = std::make_tuple(r->owner, r->owner_id, r->kind, r->currency);
    if (!ids.count(k)) ids[k] = account_id(tx, *r);
  }

  // The entry and its postings in one statement; the postings travel as two array parameters.
  std::string accounts = "{", amounts = "{";
  for (const auto& p : e.postings) {
    const auto id = ids.at(std::make_tuple(p.account.owner, p.account.owner_id, p.account.kind, p.account.currency));
    if (accounts.size() > 1) {
      accounts.push_back(',');
      amounts.push_back(',');
    }
    accounts.append(std::to_string(id));
    amounts.append(std::to_string(p.amount_minor));
  }
  accounts.push_back('}');
  amounts.push_back('}');
  auto r = tx->exec_params1(
      "WITH e AS (INSERT INTO ledger_entries (kind, reference, memo) VALUES ($1, $2, $3) RETURNING id), "
      "p AS (INSERT INTO ledger_postings (entry_id, account_id, amount_minor) "
      "      SELECT e.id, v.account_id, v.amount_minor "
      "      FROM e, unnest($4::bigint[], $5::bigint[]) WITH ORDINALITY AS v (account_id, amount_minor, n) "
      "      ORDER BY v.n) "
      "SELECT id FROM e",
      e.kind, e.reference, e.memo, accounts, amounts);
  return r[0].as<std::string>();
}

std::int64_t balance(db::Tx& tx, const AccountRef& account) {
  auto r = exec_on(tx,
                   "SELECT coalesce(sum(p.amount_minor), 0)::bigint FROM ledger_accounts a "
                   "JOIN ledger_postings p ON p.account_id = a.id WHERE " +
                       same_account("a"),
                   account);
  return r[0][0].as<std::int64_t>();
}

std::vector<AccountBalance> balances(db::Tx& tx, Owner owner, const std::string& owner_id) {
  auto rows = tx->exec_params(
      "SELECT a.kind, a.currency, coalesce(sum(p.amount_minor), 0)::bigint "
      "FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id "
      "WHERE a.owner = $1 AND coalesce(a.owner_id, '00000000-0000-0000-0000-000000000000'::uuid) = "
      "coalesce($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid) "
      "GROUP BY a.id, a.kind, a.currency ORDER BY a.currency, a.kind",
      to_string(owner), null_if_empty(owner_id));
  std::vector<AccountBalance> out;
  for (const auto& row : rows) {
    auto kind = parse_kind(row[0].as<std::string>());
    if (!kind) throw std::logic_error("unknown ledger account kind " + row[0].as<std::string>());
    out.push_back({{owner, owner_id, *kind, row[1].as<std::string>()}, row[2].as<std::int64_t>()});
  }
  return out;
}

std::vector<OwnerPosting> postings_of(db::Tx& tx, Owner owner, const std::string& owner_id, int limit,
                                      const std::string& before_entry) {
  auto rows = tx->exec_params(
      "SELECT e.id::text, e.kind, e.memo, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "a.kind, a.currency, p.amount_minor "
      "FROM ledger_accounts a JOIN ledger_postings p ON p.account_id = a.id JOIN ledger_entries e ON e.id = p.entry_id "
      "WHERE a.owner = $1 AND a.owner_id = $2::uuid AND ($3::bigint IS NULL OR e.id < $3::bigint) "
      "ORDER BY e.id DESC, p.id DESC LIMIT $4",
      to_string(owner), owner_id, null_if_empty(before_entry), limit);
  std::vector<OwnerPosting> out;
  for (const auto& row : rows) {
    auto kind = parse_kind(row[4].as<std::string>());
    if (!kind) throw std::logic_error("unknown ledger account kind " + row[4].as<std::string>());
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                   row[3].as<std::string>(), *kind, row[5].as<std::string>(), row[6].as<std::int64_t>()});
  }
  return out;
}

std::vector<Imbalance> verify(db::Tx& tx) {
  std::vector<Imbalance> out;
  // Postings whose entry is gone (possible only with the foreign keys bypassed).
  for (const auto& row : tx->exec(
           "SELECT p.entry_id, count(*) FROM ledger_postings p LEFT JOIN ledger_entries e ON e.id = p.entry_id "
           "WHERE e.id IS NULL GROUP BY p.entry_id ORDER BY p.entry_id")) {
    auto id = row[0].as<std::string>();
    out.push_back({"entry " + id + " does not exist but has " + row[1].as<std::string>() + " posting(s)", id});
  }
  for (const auto& row : tx->exec(
           "SELECT e.id, e.kind, count(p.id) FROM ledger_entries e LEFT JOIN ledger_postings p ON p.entry_id = e.id "
           "GROUP BY e.id HAVING count(p.id) < 2 ORDER BY e.id")) {
    auto id = row[0].as<std::string>();
    out.push_back({"entry " + id + " (" + row[1].as<std::string>() + ") has " + row[2].as<std::string>() +
                       " posting(s); at least two are needed",
                   id});
  }
  for (const auto& row : tx->exec(
           "SELECT p.entry_id, coalesce(e.kind, '?'), a.currency, sum(p.amount_minor)::text "
           "FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id "
           "LEFT JOIN ledger_entries e ON e.id = p.entry_id "
           "GROUP BY p.entry_id, e.kind, a.currency HAVING sum(p.amount_minor) <> 0 ORDER BY 1, 3")) {
    auto id = row[0].as<std::string>();
    out.push_back({"entry " + id + " (" + row[1].as<std::string>() + ") sums to " +
                       amount_text(row[3].as<std::string>(), row[2].as<std::string>()),
                   id});
  }
  for (const auto& row : tx->exec(
           "SELECT a.currency, sum(p.amount_minor)::text FROM ledger_postings p "
           "JOIN ledger_accounts a ON a.id = p.account_id GROUP BY a.currency HAVING sum(p.amount_minor) <> 0 "
           "ORDER BY 1"))
    out.push_back({"the book sums to " + amount_text(row[1].as<std::string>(), row[0].as<std::string>()), {}});
  return out;
}

BookSize book_size(db::Tx& tx) {
  auto r = tx->exec1(
      "SELECT (SELECT count(*) FROM ledger_accounts), (SELECT count(*) FROM ledger_entries), "
      "(SELECT count(*) FROM ledger_postings)");
  return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>()};
}

}  // namespace skybill::ledger
