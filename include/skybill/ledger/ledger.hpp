#pragma once
// Double-entry ledger: money moves only as balanced entries of postings between accounts.
// Balances are derived from postings, never stored on the side.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skybill/core/money.hpp"

namespace skybill::db { class Tx; }

namespace skybill::ledger {

enum class Owner { client, merchant, gateway };
// client: receivable (invoices owed), credit_receivable (owed under the credit line: its
// balance is the credit used), deposit (prepaid by the client: a liability, negative balance).
// merchant: payable (owed to the airline). gateway: bank (money at the gateway's bank) and
// unallocated (arrived, not yet matched to anybody: its balance is negative while it waits),
// fees (the gateway's commission earned, negative) and outgoing (payment orders and card
// refunds ordered but not yet seen leaving the bank, negative).
enum class Kind { receivable, credit_receivable, deposit, payable, bank, unallocated, fees, outgoing };

struct AccountRef {
  Owner owner;
  std::string owner_id;  // client or merchant uuid; empty for the gateway
  Kind kind;
  std::string currency;  // ISO 4217 code
};

// Debit positive, credit negative, in minor units.
struct Posting {
  AccountRef account;
  std::int64_t amount_minor;
};

struct Entry {
  std::string kind;       // "deposit.top_up", "booking.guaranteed", ...
  std::string reference;  // what it is about: a booking, invoice or client id
  std::string memo;
  std::vector<Posting> postings;
};

// Pure: throws core::Problem (422 "unbalanced-entry") unless the entry has at least two
// postings, no zero amount, and sums to zero in every currency; and overflow-safe.
void check_balanced(const Entry& e);

// Writes the entry (accounts made on first use) in the caller's transaction; returns its id.
std::string post(db::Tx& tx, const Entry& e);
// Sum of the account's postings (0 for an account never used).
std::int64_t balance(db::Tx& tx, const AccountRef& account);

struct AccountBalance {
  AccountRef account;
  std::int64_t balance_minor;
};
// Every account of one owner (owner_id empty for the gateway), with its balance.
std::vector<AccountBalance> balances(db::Tx& tx, Owner owner, const std::string& owner_id);

// One posting of an owner's account with its entry, newest first (the console's history).
struct OwnerPosting {
  std::string entry_id, entry_kind, memo, created_at;  // created_at: RFC 3339
  Kind kind;
  std::string currency;
  std::int64_t amount_minor;  // debit positive, credit negative
};
// At most `limit` postings of the owner's accounts, newest first; `before_entry` (an entry id)
// pages on: only older entries.
std::vector<OwnerPosting> postings_of(db::Tx& tx, Owner owner, const std::string& owner_id, int limit,
                                      const std::string& before_entry = {});

struct Imbalance {
  std::string what;      // "entry 12 sums to 1.00 RUB", "the book sums to -0.05 USD"
  std::string entry_id;  // empty when the whole book is meant
};
// Every entry and the whole book per currency; empty when all balance.
std::vector<Imbalance> verify(db::Tx& tx);

struct BookSize {
  std::int64_t accounts = 0, entries = 0, postings = 0;
};
BookSize book_size(db::Tx& tx);

// The names the database and JSON use ("client", "credit_receivable"), and back.
const char* to_string(Owner owner) noexcept;
const char* to_string(Kind kind) noexcept;
std::optional<Owner> parse_owner(std::string_view text) noexcept;
std::optional<Kind> parse_kind(std::string_view text) noexcept;

}  // namespace skybill::ledger
